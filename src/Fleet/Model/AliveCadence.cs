using System.Globalization;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Fleet.Model;

/// <summary>
/// How often a node sends alive events, as the dashboard has heard it: the interval between consecutive alives of one
/// process (no startup or shutdown between), smoothed, and how many intervals agreed with it. Steady from
/// <see cref="SteadyAfter"/> agreeing intervals on; liveness then judges the node on it (see docs/liveness.md).
/// Eight bytes in the node's activity: no list of intervals is kept.
/// </summary>
/// <param name="Interval">The smoothed interval; zero while none was heard.</param>
/// <param name="Intervals">Intervals that agreed with it (within a fifth), at most <see cref="MaxIntervals"/>; an odd one halves the count.</param>
public readonly record struct AliveCadence(TimeSpan Interval, int Intervals)
{
    /// <summary>Agreeing intervals (three alives in a row) before a cadence is trusted.</summary>
    public const int SteadyAfter = 2;

    /// <summary>Where the count stops, so an odd interval or two never takes long to weigh.</summary>
    public const int MaxIntervals = 100;

    /// <summary>Alives closer than this are one alive heard twice (replay and live, or a redelivery), not an interval.</summary>
    public static readonly TimeSpan ShortestInterval = TimeSpan.FromSeconds(1);

    /// <summary>How often go-choria servers before 0.29.0 sent alive events (go-choria 3082f743, #510, released in 0.9.0).</summary>
    public static readonly TimeSpan HourlyBefore029 = TimeSpan.FromMinutes(60);

    /// <summary>Nothing heard yet (or the process restarted).</summary>
    public static readonly AliveCadence Unknown = default;

    /// <summary>At least one interval was heard.</summary>
    public bool IsKnown => Intervals > 0;

    /// <summary><see cref="SteadyAfter"/> intervals or more agreed: liveness judges the node on <see cref="Interval"/>.</summary>
    public bool IsSteady => Intervals >= SteadyAfter;

    /// <summary>
    /// The cadence after one more interval between two alives of the same process. An interval under
    /// <see cref="ShortestInterval"/> is a duplicate and changes nothing; one within a fifth of the cadence agrees and
    /// moves it a little (a running mean, at most a quarter of the way); a whole multiple of a steady cadence is alives
    /// lost on the way (or while the dashboard was cut off) and changes nothing; any other halves the count, and
    /// replaces the cadence once the count is down to one, so a node whose alives come at irregular times seldom turns
    /// steady, and never for long.
    /// </summary>
    public AliveCadence Observe(TimeSpan interval)
    {
        if (interval < ShortestInterval)
        {
            return this;
        }

        if (!IsKnown)
        {
            return new AliveCadence(interval, 1);
        }

        if (Agrees(interval, Interval))
        {
            var weight = Math.Min(Intervals + 1, 4);
            return new AliveCadence(Interval + ((interval - Interval) / weight), Math.Min(Intervals + 1, MaxIntervals));
        }

        if (IsSteady && IsMultiple(interval, Interval))
        {
            return this;
        }

        return Intervals >= 2 ? this with { Intervals = Intervals / 2 } : new AliveCadence(interval, 1);
    }

    /// <summary>
    /// The alive interval a node's version implies, for a component go-choria's server publishes alives for: hourly
    /// before 0.29.0 (go-choria 094385c2, #2139, first released in v0.29.0, made it 30 minutes); null when it implies
    /// nothing more than the configured thresholds cover (0.29.0 and later, unreadable versions, other components).
    /// </summary>
    public static TimeSpan? ImpliedByVersion(string component, string? version) =>
        component is ChoriaComponents.Server or ChoriaComponents.ProvisionModeServer or ChoriaComponents.ServiceHost
        && version is not null && ReadMajorMinor(version) is { Major: 0, Minor: < 29 }
            ? HourlyBefore029
            : null;

    /// <summary>Packs the cadence into one 64-bit value (milliseconds, count), so a reader never sees half of an update.</summary>
    internal long Pack() => ((long)Intervals << 32) | (uint)Math.Clamp((long)Interval.TotalMilliseconds, 0, uint.MaxValue);

    internal static AliveCadence Unpack(long packed) => new(TimeSpan.FromMilliseconds((uint)packed), (int)(packed >> 32));

    private static bool Agrees(TimeSpan interval, TimeSpan cadence) => (interval - cadence).Duration() <= cadence / 5;

    private static bool IsMultiple(TimeSpan interval, TimeSpan cadence)
    {
        var times = Math.Round(interval / cadence);
        return times >= 2 && (interval - (cadence * times)).Duration() <= cadence / 5;
    }

    /// <summary>The first two numbers of a version as Choria writes it (<c>0.28.0</c>, <c>v0.29</c>, <c>0.30.0-rc.1</c>); null when it does not start so.</summary>
    private static (int Major, int Minor)? ReadMajorMinor(string version)
    {
        var text = version.AsSpan().Trim();
        if (text.Length > 0 && text[0] is 'v' or 'V')
        {
            text = text[1..];
        }

        var dot = text.IndexOf('.');
        if (dot <= 0 || !int.TryParse(text[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var major))
        {
            return null;
        }

        var rest = text[(dot + 1)..];
        var end = 0;
        while (end < rest.Length && char.IsAsciiDigit(rest[end]))
        {
            end++;
        }

        return end > 0 && int.TryParse(rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var minor) ? (major, minor) : null;
    }
}
