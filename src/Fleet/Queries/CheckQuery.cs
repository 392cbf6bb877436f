using System.Collections.Immutable;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Fleet.Queries;

/// <summary>One nagios check on one node: what <c>/checks</c> lists.</summary>
/// <param name="Identity">The node.</param>
/// <param name="Machine">The autonomous agent machine that runs the check.</param>
/// <param name="Watcher">The nagios watcher's name inside the machine.</param>
/// <param name="State">Its latest state (status, output, perfdata, history, failing since).</param>
public sealed record CheckRow(string Identity, string Machine, string Watcher, WatcherSnapshot State)
{
    public NagiosStatus Health => State.Health ?? NagiosStatus.Unknown;

    /// <summary>The check's name as people know it: see <see cref="CheckQuery.NameOf(string, string)"/>.</summary>
    public string Check => CheckQuery.NameOf(Machine, Watcher);

    /// <summary>Its last result is no longer current (see <see cref="WatcherSnapshot.IsStale"/>): shown as stale, not as its health.</summary>
    public bool IsStale => State.IsStale;

    /// <summary>What the page calls its status: <c>stale</c>, or its health's URL word (<see cref="CheckQuery.NameOf(NagiosStatus)"/>).</summary>
    public string Status => IsStale ? CheckQuery.StaleWord : CheckQuery.NameOf(Health);
}

/// <summary>
/// Which nagios checks <c>/checks</c> shows, and in what order: current failing ones first (CRITICAL, WARNING, UNKNOWN;
/// within each, the longest failing first), then stale ones (no longer current, whatever their last result; the longest
/// stale first), then NOT CHECKED, then OK; ties by identity and check name. Every filter is exact.
/// </summary>
public sealed record CheckQuery
{
    /// <summary>The URL word for checks whose last result is no longer current.</summary>
    public const string StaleWord = "stale";

    /// <summary>
    /// The filter as one string, the same for equal filters whatever order their statuses were given in (the record's
    /// own equality compares the status set by reference): <c>statuses|stale|check|identity</c>.
    /// </summary>
    public string Key => string.Join('|',
        string.Join(',', Statuses.Select(NameOf).Order(StringComparer.Ordinal)),
        Stale ? StaleWord : "",
        Check ?? "",
        Identity ?? "");

    /// <summary>Health of current checks to show; with <see cref="Stale"/> empty and false, every check shows.</summary>
    public ImmutableHashSet<NagiosStatus> Statuses { get; init; } = [];

    /// <summary>Show the stale checks (<c>status=stale</c>); a stale check never matches a health in <see cref="Statuses"/>.</summary>
    public bool Stale { get; init; }

    /// <summary>Whether any status filter is set.</summary>
    public bool FiltersStatus => Statuses.Count > 0 || Stale;

    /// <summary>
    /// Only checks of this name, exactly: the check's name (<see cref="NameOf(string, string)"/>), its machine's name or
    /// its watcher's name.
    /// </summary>
    public string? Check { get; init; }

    /// <summary>What Choria's own watcher names a nagios watcher inside a Scout check machine.</summary>
    public const string ScoutWatcherName = "check";

    /// <summary>
    /// A check's name: Choria Scout runs one machine per check (<c>check_httpd</c>) with one nagios watcher named
    /// <c>check</c>, so the machine's name is the check's name; any other layout reads as Choria's own
    /// <c>machine#watcher</c> (as <c>choria machine watch</c> prints it).
    /// </summary>
    public static string NameOf(string machine, string watcher) =>
        watcher == ScoutWatcherName || watcher == machine ? machine : $"{machine}#{watcher}";

    /// <summary>Only checks of this node, exactly.</summary>
    public string? Identity { get; init; }

    /// <summary>The URL spelling of each status: <c>ok</c>, <c>warning</c>, <c>critical</c>, <c>unknown</c>, <c>notchecked</c>.</summary>
    public static string NameOf(NagiosStatus status) => status switch
    {
        NagiosStatus.Ok => "ok",
        NagiosStatus.Warning => "warning",
        NagiosStatus.Critical => "critical",
        NagiosStatus.Unknown => "unknown",
        _ => "notchecked",
    };

    /// <summary>Whether a comma-separated URL value of statuses names <see cref="StaleWord"/>.</summary>
    public static bool ParseStale(string? value) =>
        value is not null && value.Split(',', StringSplitOptions.TrimEntries).Any(word => word.Equals(StaleWord, StringComparison.OrdinalIgnoreCase));

    /// <summary>Statuses from a comma-separated URL value; unknown words (and <see cref="StaleWord"/>) are ignored.</summary>
    public static ImmutableHashSet<NagiosStatus> ParseStatuses(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }

        var all = Enum.GetValues<NagiosStatus>();
        return [.. value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(word => all.Where(s => NameOf(s).Equals(word, StringComparison.OrdinalIgnoreCase)))];
    }

    /// <summary>
    /// The words of a comma-separated URL value of statuses that name no status (nor <see cref="StaleWord"/>): what
    /// <see cref="ParseStatuses"/> and <see cref="ParseStale"/> ignore, and a strict reader refuses.
    /// </summary>
    public static IReadOnlyList<string> UnknownStatusWords(string? value) => string.IsNullOrWhiteSpace(value)
        ? []
        : [.. value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(word => !word.Equals(StaleWord, StringComparison.OrdinalIgnoreCase)
                && !Enum.GetValues<NagiosStatus>().Any(s => NameOf(s).Equals(word, StringComparison.OrdinalIgnoreCase)))];

    /// <summary>Order of the statuses on the page: problems first; stale checks (rank 3) come between them and NOT CHECKED.</summary>
    public static int Rank(NagiosStatus status) => status switch
    {
        NagiosStatus.Critical => 0,
        NagiosStatus.Warning => 1,
        NagiosStatus.Unknown => 2,
        NagiosStatus.NotChecked => 4,
        _ => 5,
    };

    private const int StaleRank = 3;

    private static int Rank(CheckRow row) => row.IsStale ? StaleRank : Rank(row.Health);

    /// <summary>The matching checks of <paramref name="hosts"/>, in page order.</summary>
    public CheckRow[] Apply(IReadOnlyDictionary<string, MachineHost> hosts)
    {
        IEnumerable<MachineHost> source = hosts.Values;
        if (Identity is not null)
        {
            source = hosts.TryGetValue(Identity, out var host) ? [host] : [];
        }

        var rows = new List<CheckRow>();
        foreach (var host in source)
        {
            foreach (var machine in host.Machines.Values)
            {
                foreach (var watcher in machine.Watchers.Values)
                {
                    var state = watcher.Latest;
                    if (state.Health is not { } health
                        || (FiltersStatus && !(state.IsStale ? Stale : Statuses.Contains(health)))
                        || (Check is not null && !Matches(machine.Machine, watcher.Name, Check)))
                    {
                        continue;
                    }

                    rows.Add(new CheckRow(host.Identity, machine.Machine, watcher.Name, state));
                }
            }
        }

        rows.Sort(Compare);
        return [.. rows];
    }

    private static bool Matches(string machine, string watcher, string check) =>
        check == machine || check == watcher || check == NameOf(machine, watcher);

    private static int Compare(CheckRow a, CheckRow b)
    {
        var byRank = Rank(a).CompareTo(Rank(b));
        if (byRank != 0)
        {
            return byRank;
        }

        var bySince = a.IsStale ? Nullable.Compare(a.State.StaleSince, b.State.StaleSince) : Nullable.Compare(a.State.FailingSince, b.State.FailingSince);
        if (bySince != 0)
        {
            return bySince;
        }

        var byIdentity = string.CompareOrdinal(a.Identity, b.Identity);
        return byIdentity != 0 ? byIdentity : string.CompareOrdinal(a.Check, b.Check);
    }
}
