using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace ChoriaDashboard.Components.Pages;

/// <summary>
/// Per component: how many nodes are live, stale, dead and stopped, which versions run (newest first, the newest
/// marked) and how many nodes are not on it; nagios health; recent notable news; the fleet over the last hours.
/// </summary>
public sealed partial class Overview
{
    private static readonly NodeState[] States = [NodeState.Live, NodeState.Stale, NodeState.Dead, NodeState.Stopped];

    /// <summary>Notable news shown; the store keeps <c>Fleet:NotableChangesLength</c>.</summary>
    internal const int FeedLength = 25;

    private FleetTrendCharts _trend = FleetTrendCharts.Empty;
    private IReadOnlyList<FleetNews> _notable = [];

    [Inject]
    private IOptions<FleetOptions> FleetOptions { get; set; } = default!;

    /// <summary>The charts, computed once per sample for every open overview.</summary>
    [Inject]
    private FleetTrendCache Trends { get; set; } = default!;

    protected override TimeSpan? ClockInterval => Ui.Value.RelativeTimeRefresh;

    private DateTimeOffset Now => Time.GetUtcNow();

    protected override void OnInitialized()
    {
        base.OnInitialized();
        Refresh();
    }

    protected override bool OnFleetUpdated(IReadOnlyList<FleetUpdate> updates)
    {
        Refresh();
        return true;
    }

    /// <summary>Samples are taken on a timer, with or without updates: the clock picks them up too.</summary>
    protected override void OnClockTick() => Refresh();

    private void Refresh()
    {
        _notable = Fleet.RecentNews.Take(FeedLength).ToArray();
        _trend = Trends.For(Fleet.Series);
    }

    private static string NodesLink(string? component, NodeState state) =>
        NodesPage.Link(new NodeQuery { Component = component, State = state });

    private static string VersionLink(string component, string version) =>
        NodesPage.Link(new NodeQuery { Component = component, Version = version });

    private static string OutdatedLink(string component) =>
        NodesPage.Link(new NodeQuery { Component = component, Outdated = true });

    /// <summary>The health checks page filtered to one status (<c>ok</c>, <c>warning</c>, <c>critical</c>, <c>unknown</c>, <c>notchecked</c>).</summary>
    internal static string ChecksLink(string status) => $"checks?status={status}";

    private static double Share(int part, int whole) => whole == 0 ? 0 : 100.0 * part / whole;

    /// <summary>A card's cell in the grid: MudBlazor's <c>MudItem xs="12" md="6" xl="4" xxl="3"</c> (see <see cref="Controls.MudMarkup"/>).</summary>
    private const string CardCell = "mud-grid-item mud-grid-item-xs-12 mud-grid-item-md-6 mud-grid-item-xl-4 mud-grid-item-xxl-3";

    internal static string Describe(NewsKind kind) => kind switch
    {
        NewsKind.Died => "died",
        NewsKind.CameBack => "came back",
        NewsKind.Upgraded => "upgraded",
        NewsKind.Stopped => "stopped",
        _ => "check critical",
    };

    private static string IconOf(NewsKind kind) => kind switch
    {
        NewsKind.Died => Icons.Material.Filled.HeartBroken,
        NewsKind.CameBack => Icons.Material.Filled.Replay,
        NewsKind.Upgraded => Icons.Material.Filled.Upgrade,
        NewsKind.Stopped => Icons.Material.Filled.PowerSettingsNew,
        _ => Icons.Material.Filled.Error,
    };

    private static Color ColorOf(NewsKind kind) => kind switch
    {
        NewsKind.Died or NewsKind.CheckCritical => Color.Error,
        NewsKind.CameBack => Color.Success,
        NewsKind.Upgraded => Color.Info,
        _ => Color.Default,
    };
}
