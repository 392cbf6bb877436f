using System.Globalization;
using ChoriaDashboard.Components.Controls;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace ChoriaDashboard.Components.Pages;

/// <summary>
/// One identity: its components, recent events, machines and checks, and any event's raw form on demand. Re-read from
/// the fleet when an update names this identity (at most once per <c>Ui:UpdateInterval</c>).
/// </summary>
public sealed partial class NodeDetailPage
{
    /// <summary>A row's "raw"/"hide" toggle: MudButton's small text look on a plain button, one per row (see <see cref="MudMarkup"/>).</summary>
    private static readonly string RawButton = MudMarkup.Button(Variant.Text, Color.Default, Size.Small);

    private NodeDetail _detail = new() { Identity = "", Components = [], Events = [], Machines = [], Checks = [] };
    private readonly Dictionary<string, RawEventLookup> _raw = new(StringComparer.Ordinal);

    /// <summary>The node's identity, from the URL (escaped there, as <see cref="Link"/> writes it).</summary>
    [Parameter]
    public string Identity { get; set; } = "";

    [Inject]
    private INodeHistory History { get; set; } = default!;

    [Inject]
    private IOptions<FleetOptions> FleetLimits { get; set; } = default!;

    protected override TimeSpan? ClockInterval => Ui.Value.RelativeTimeRefresh;

    private DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>The URL of a node's detail page, relative to the base: <c>nodes/</c> and the identity escaped as one path segment.</summary>
    public static string Link(string identity) => "nodes/" + Uri.EscapeDataString(identity);

    protected override void OnParametersSet()
    {
        // Called again whenever the layout re-renders: the raw events opened stay open unless the node changed.
        if (_detail.Identity != Identity)
        {
            _raw.Clear();
        }

        Refresh();
    }

    protected override bool OnFleetUpdated(IReadOnlyList<FleetUpdate> updates)
    {
        if (updates[0].IsSnapshot || updates.Any(Names))
        {
            Refresh();
        }

        return true;
    }

    private bool Names(FleetUpdate update) =>
        update.ChangedNodes.Any(n => n.Identity == Identity)
        || update.RemovedNodes.Any(k => k.Identity == Identity)
        || update.ChangedMachines.Any(h => h.Identity == Identity)
        || update.News.Any(n => n.Kind == NewsKind.Governor && NodeDetail.IsHolder(n.Identity, Identity));

    private void Refresh() => _detail = NodeDetail.For(Fleet, History, Identity);

    private void ToggleRaw(string key, string sender, DateTimeOffset receivedAt)
    {
        if (!_raw.Remove(key))
        {
            _raw[key] = History.FindRawEvent(sender, receivedAt);
        }
    }

    private static string RawKey(string sender, DateTimeOffset receivedAt) => $"{receivedAt.UtcTicks}|{sender}";

    private string Uptime(NodeSnapshot node) =>
        node.State is NodeState.Live or NodeState.Stale && node.LastStartup is { } startup
            ? DisplayFormat.Ago(Now - startup).Replace(" ago", "", StringComparison.Ordinal)
            : "—";

    /// <summary>The thresholds liveness judges the node on now, in words (they follow its cadence).</summary>
    private string ThresholdsText(NodeSnapshot node)
    {
        var t = FleetLimits.Value.ThresholdsFor(node);
        return $"stale after {DisplayFormat.Interval(t.StaleAfter)} of silence, dead after {DisplayFormat.Interval(t.DeadAfter)}";
    }

    private static string Clock(DateTimeOffset at) => at.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Exact(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
}
