using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;

namespace ChoriaDashboard.Components.Wall;

/// <summary>One failing nagios check on the board.</summary>
public sealed record WallCheck(string Identity, string Machine, string Check, NagiosStatus Health, string? Output, DateTimeOffset ReceivedAt);

/// <summary>
/// The failing nagios checks whose result is current (critical, then warning, then unknown; newest result first within
/// each), at most <c>Wall:MaxListedChecks</c> of them kept, with the full count beside. Stale checks are not listed.
/// </summary>
public sealed class WallChecks
{
    /// <summary>The failing checks kept, most severe first.</summary>
    public IReadOnlyList<WallCheck> Rows { get; private set; } = [];

    /// <summary>Every failing check of the identities shown, including those beyond the limit.</summary>
    public int Failing { get; private set; }

    /// <summary>When the rows were last rebuilt.</summary>
    public DateTimeOffset BuiltAt { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>Reads every machine's watchers; costs machines × watchers, so the board calls it only when health changed.</summary>
    /// <param name="shows">Whether the board shows an identity (it runs a chosen component); null shows all.</param>
    /// <param name="limit">Most rows kept.</param>
    public void Refresh(IFleetView fleet, Func<string, bool>? shows, int limit, DateTimeOffset now)
    {
        var failing = new List<WallCheck>();
        foreach (var (identity, host) in fleet.Machines)
        {
            if (shows is not null && !shows(identity))
            {
                continue;
            }

            foreach (var machine in host.Machines.Values)
            {
                foreach (var watcher in machine.Watchers.Values)
                {
                    // A stale result is not current: the board counts it apart, never as a failing check.
                    var latest = watcher.Latest;
                    if (latest.Health is NagiosStatus.Warning or NagiosStatus.Critical or NagiosStatus.Unknown && !latest.IsStale)
                    {
                        failing.Add(new WallCheck(identity, machine.Machine, watcher.Name, latest.Health.Value, latest.Output, latest.ReceivedAt));
                    }
                }
            }
        }

        Failing = failing.Count;
        failing.Sort(static (x, y) =>
        {
            var c = Rank(x.Health).CompareTo(Rank(y.Health));
            if (c == 0)
            {
                c = y.ReceivedAt.CompareTo(x.ReceivedAt);
            }

            if (c == 0)
            {
                c = string.CompareOrdinal(x.Identity, y.Identity);
            }

            return c != 0 ? c : string.CompareOrdinal(x.Machine + "/" + x.Check, y.Machine + "/" + y.Check);
        });
        Rows = failing.Count > limit ? failing.GetRange(0, limit) : failing;
        BuiltAt = now;
    }

    private static int Rank(NagiosStatus health) => health switch
    {
        NagiosStatus.Critical => 0,
        NagiosStatus.Warning => 1,
        _ => 2,
    };
}
