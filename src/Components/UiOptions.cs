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

    /// <summary>Distinct check list views (<c>/checks</c> filters) whose rows are kept and shared between browsers.</summary>
    [Range(1, 10_000)]
    public int CheckListCacheSize { get; set; } = 16;

    /// <summary>Rows a live event tail (<c>/events</c>) keeps on screen; older rows scroll away.</summary>
    [Range(10, 100_000)]
    public int EventTailLength { get; set; } = 500;

    /// <summary>
    /// Rows per second the server sends to each live event tail at most, whatever the event rate; the rest are
    /// counted and shown as "not shown".
    /// </summary>
    [Range(1, 10_000)]
    public int EventTailRowsPerSecond { get; set; } = 50;

    /// <summary>
    /// Render batches a circuit keeps until its browser acknowledges them (Blazor's
    /// <c>CircuitOptions.MaxBufferedUnacknowledgedRenderBatches</c>, 10 by default): past it the page stops rendering
    /// until the browser catches up, then renders what is current, skipping the states in between. Each batch holds its
    /// bytes (a few KB to tens of KB on the overview) on the server, so a slow browser (a wallboard on a small device, a
    /// throttled background tab) costs up to this many. A browser that keeps up acknowledges within milliseconds and
    /// holds one or none.
    /// </summary>
    [Range(1, 100)]
    public int MaxUnacknowledgedRenderBatches { get; set; } = 3;

    /// <summary>
    /// Circuits whose browser went away without closing them (network lost, laptop asleep) kept at most, so that the
    /// page resumes where it was when the browser comes back; past it the oldest is dropped (Blazor's
    /// <c>CircuitOptions.DisconnectedCircuitMaxRetained</c>). Each holds what an open tab holds.
    /// </summary>
    [Range(0, 10_000)]
    public int DisconnectedCircuitMaxRetained { get; set; } = 100;

    /// <summary>How long such a circuit is kept before it is dropped (Blazor's <c>DisconnectedCircuitRetentionPeriod</c>).</summary>
    public TimeSpan DisconnectedCircuitRetention { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Shown in the app bar and the browser tab.</summary>
    [Required]
    [StringLength(80)]
    public string Title { get; set; } = "Choria Fleet";
}
