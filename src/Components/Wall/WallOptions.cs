using System.ComponentModel.DataAnnotations;

namespace ChoriaDashboard.Components.Wall;

/// <summary>Limits of the wallboard (section <c>Wall</c>); what one board shows is set by its link.</summary>
public sealed class WallOptions
{
    public const string Section = "Wall";

    /// <summary>Ticker entries (startups, shutdowns, upgrades, deaths) a board keeps; older ones drop off.</summary>
    [Range(1, 1000)]
    public int TickerLength { get; set; } = 50;

    /// <summary>Failing checks a board keeps to page through (most severe first); the full count is shown beside.</summary>
    [Range(1, 100_000)]
    public int MaxListedChecks { get; set; } = 500;
}
