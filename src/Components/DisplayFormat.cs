using System.Globalization;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using MudBlazor;

namespace ChoriaDashboard.Components;

/// <summary>How values read on screen: short relative times, state names and colours.</summary>
public static class DisplayFormat
{
    public static string Ago(TimeSpan elapsed)
    {
        if (elapsed < TimeSpan.Zero)
        {
            elapsed = TimeSpan.Zero;
        }

        return elapsed.TotalSeconds < 60 ? $"{(int)elapsed.TotalSeconds}s ago"
            : elapsed.TotalMinutes < 60 ? $"{(int)elapsed.TotalMinutes}m ago"
            : elapsed.TotalHours < 48 ? $"{(int)elapsed.TotalHours}h {elapsed.Minutes}m ago"
            : $"{(int)elapsed.TotalDays}d ago";
    }

    /// <summary>A duration as people say it: <c>30 s</c>, <c>1 min</c>, <c>2 h</c>.</summary>
    public static string Interval(TimeSpan interval) =>
        interval.TotalSeconds < 60 ? $"{interval.TotalSeconds:0.#} s"
        : interval.TotalMinutes < 60 ? $"{interval.TotalMinutes:0.#} min"
        : $"{interval.TotalHours:0.#} h";

    /// <summary>
    /// A node's alive cadence in words: <c>every ~30 min, seen 5 times</c> once steady; <c>every ~60 min (from its
    /// version)</c> when only its version implies it; <c>learning (1 interval of ~30 min)</c>; <c>not known yet</c>.
    /// </summary>
    /// <param name="expected">What liveness expects (see <see cref="FleetOptions.ExpectedAliveInterval"/>).</param>
    public static string Cadence(AliveCadence cadence, TimeSpan? expected) =>
        cadence.IsSteady ? $"every ~{Interval(Rounded(cadence.Interval))}, seen {cadence.Intervals} times"
        : expected is { } implied ? $"every ~{Interval(implied)} (from its version)"
        : cadence.IsKnown ? $"learning (1 interval of ~{Interval(Rounded(cadence.Interval))})"
        : "not known yet";

    /// <summary>An interval to whole seconds under a minute, whole minutes above.</summary>
    private static TimeSpan Rounded(TimeSpan interval) =>
        interval < TimeSpan.FromMinutes(1) ? TimeSpan.FromSeconds(Math.Round(interval.TotalSeconds)) : TimeSpan.FromMinutes(Math.Round(interval.TotalMinutes));

    /// <summary>Events per second: whole numbers from 10 up, one decimal below.</summary>
    public static string Rate(double perSecond) =>
        perSecond >= 10 ? perSecond.ToString("N0", CultureInfo.InvariantCulture) : perSecond.ToString("0.#", CultureInfo.InvariantCulture);

    public static string NameOf(NodeState state) => state switch
    {
        NodeState.Live => "live",
        NodeState.Stale => "stale",
        NodeState.Dead => "dead",
        _ => "stopped",
    };

    public static Color ColorOf(NodeState state) => state switch
    {
        NodeState.Live => Color.Success,
        NodeState.Stale => Color.Warning,
        NodeState.Dead => Color.Error,
        _ => Color.Default,
    };

    /// <summary>Whole percent, with one decimal near the ends; a share that is neither none nor all never reads as 0% or 100%.</summary>
    public static string Percent(int part, int whole)
    {
        if (whole == 0 || part == 0 || part == whole)
        {
            return whole == 0 || part == 0 ? "0%" : "100%";
        }

        // Tenths of a percent in 64-bit integers: exact, and no overflow for fleets of millions.
        var tenths = (long)part * 1000 / whole;
        var text = tenths < 10 ? ((tenths + ((long)part * 1000 % whole == 0 ? 0 : 1)) / 10.0).ToString("0.#", CultureInfo.InvariantCulture)
            : tenths >= 990 && part < whole ? (tenths / 10.0).ToString("0.#", CultureInfo.InvariantCulture)
            : (100.0 * part / whole).ToString("0", CultureInfo.InvariantCulture);
        return text + "%";
    }

    public static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
