using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.WebUtilities;

namespace ChoriaDashboard.Components.Pages;

/// <summary>
/// Every node, filtered and sorted on the server and virtualised in the browser: only the visible rows
/// are rendered, so 100,000 nodes cost the browser what 50 do. Filters live in the URL, so a view is a link.
/// The first screen of rows (<see cref="FirstScreenRows"/>) is plain markup, in the prerendered HTML.
/// </summary>
public sealed partial class NodesPage
{
    private NodeQuery _query = new();
    private NodeSnapshot[] _rows = [];
    private long _rowsRevision = -1;
    private CallbackThrottler _refresh = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private NodeListCache Lists { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "q")]
    public string? Search { get; set; }

    [SupplyParameterFromQuery(Name = "component")]
    public string? Component { get; set; }

    [SupplyParameterFromQuery(Name = "state")]
    public string? State { get; set; }

    [SupplyParameterFromQuery(Name = "version")]
    public string? Version { get; set; }

    /// <summary>Only nodes not on their component's newest version: <c>outdated=true</c>.</summary>
    [SupplyParameterFromQuery(Name = "outdated")]
    public string? Outdated { get; set; }

    [SupplyParameterFromQuery(Name = "sort")]
    public string? Sort { get; set; }

    /// <summary>A string, not a bool: a hand-edited <c>?desc=yes</c> must not break the page.</summary>
    [SupplyParameterFromQuery(Name = "desc")]
    public string? Descending { get; set; }

    protected override TimeSpan? ClockInterval => Ui.Value.RelativeTimeRefresh;

    private DateTimeOffset Now => Time.GetUtcNow();

    protected override void OnParametersSet()
    {
        _query = NodeQueryString.Parse(name => name switch
        {
            "q" => Search,
            "component" => Component,
            "state" => State,
            "version" => Version,
            "outdated" => Outdated,
            "sort" => Sort,
            "desc" => Descending,
            _ => null,
        });
        Refresh();
    }

    protected override void OnInitialized()
    {
        base.OnInitialized();
        _refresh = CreateThrottle(Refresh);
    }

    protected override bool OnFleetUpdated(IReadOnlyList<FleetUpdate> updates)
    {
        // Alives that only refresh last-seen times change neither which rows match nor their order: the rows shown
        // are looked up fresh at render time (Current), so the list is recomputed only when it can differ.
        if (updates[0].IsSnapshot)
        {
            Refresh();
        }
        else if (NodeListCache.RevisionFor(_query, Summary) != _rowsRevision)
        {
            // While the fleet churns (a restart storm), recompute at most once per four times what the last one cost,
            // so a large list cannot take the server's CPU from the ingest; the last request is never lost.
            _ = _refresh.ExecuteAsync();
        }

        return true;
    }

    private void Refresh()
    {
        _rowsRevision = NodeListCache.RevisionFor(_query, Summary);
        _rows = Lists.Get(_query, _rowsRevision);
    }

    /// <summary>The newest snapshot of a row's node (its last-seen time moves on between list recomputations).</summary>
    private NodeSnapshot Current(NodeSnapshot row) => Fleet.Nodes.TryGetValue(row.Key, out var current) ? current : row;

    private void OnSearchChanged(string? value) => Navigate(_query with { Search = Empty(value) });

    private void Navigate(NodeQuery query) => Navigation.NavigateTo(Link(query), replace: true);

    private string SortLink(NodeSort sort) =>
        Link(_query with { Sort = sort, Descending = _query.Sort == sort && !_query.Descending });

    private string Arrow(NodeSort sort) => _query.Sort != sort ? "" : _query.Descending ? " ▼" : " ▲";

    internal static NodeState? ParseState(string? value) => NodeQueryString.ParseState(value);

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The URL of the node list with a filter: what overview counts link to.</summary>
    public static string Link(NodeQuery query) => NodeQueryString.Link("nodes", query);

    /// <summary>The export of the current view: the same filter and order, the whole filtered set.</summary>
    private string ExportLink(string format) => NodeQueryString.Link($"export/nodes.{format}", _query);

    /// <summary>Versions to filter by: the chosen component's, or every component's, newest first.</summary>
    private IEnumerable<string> VersionChoices => Summary.Components
        .Where(c => _query.Component is null || c.Component == _query.Component)
        .SelectMany(c => c.Versions.Select(v => v.Version))
        .Distinct(StringComparer.Ordinal)
        .OrderDescending(VersionComparer.Instance);
}
