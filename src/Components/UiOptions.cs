using System.ComponentModel.DataAnnotations;

namespace ChoriaDashboard.Components;

/// <summary>How the browser views behave (section <c>Ui</c>).</summary>
public sealed class UiOptions
{
    public const string Section = "Ui";

    /// <summary>Changes are coalesced and a page renders at most once per interval, whatever the event rate.</summary>
    public TimeSpan UpdateInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often relative times ("2m ago") are redrawn when nothing else changes.</summary>
    public TimeSpan RelativeTimeRefresh { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Distinct node list views (filter and sort) whose rows are kept and shared between browsers.</summary>
    [Range(1, 10_000)]
    public int NodeListCacheSize { get; set; } = 32;

    /// <summary>Rows a live event tail (<c>/events</c>) keeps on screen; older rows scroll away.</summary>
    [Range(10, 100_000)]
    public int EventTailLength { get; set; } = 500;

    /// <summary>
    /// Rows per second the server sends to each live event tail at most, whatever the event rate; the rest are
    /// counted and shown as "not shown".
    /// </summary>
    [Range(1, 10_000)]
    public int EventTailRowsPerSecond { get; set; } = 50;

    /// <summary>Shown in the app bar and the browser tab.</summary>
    [Required]
    [StringLength(80)]
    public string Title { get; set; } = "Choria Fleet";
}
