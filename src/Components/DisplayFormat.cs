using System.Globalization;
using ChoriaDashboard.Fleet;
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

    public static string Percent(int part, int whole) =>
        whole == 0 ? "0%" : (100.0 * part / whole).ToString(part * 1000 / Math.Max(whole, 1) < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + "%";

    public static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
