using ChoriaDashboard.Fleet;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.WebUtilities;

namespace ChoriaDashboard.Components.Pages;

/// <summary>
/// Every node, filtered and sorted on the server and virtualised in the browser: only the visible rows
/// are rendered, so 100,000 nodes cost the browser what 50 do. Filters live in the URL, so a view is a link.
/// </summary>
public sealed partial class NodesPage
{
    private NodeQuery _query = new();
    private NodeSnapshot[] _rows = [];
    private long _rowsRevision = -1;
    private long _refreshedAt;
    private TimeSpan _refreshCost;
    private bool _refreshPending;

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

    [SupplyParameterFromQuery(Name = "sort")]
    public string? Sort { get; set; }

    /// <summary>A string, not a bool: a hand-edited <c>?desc=yes</c> must not break the page.</summary>
    [SupplyParameterFromQuery(Name = "desc")]
    public string? Descending { get; set; }

    protected override TimeSpan? ClockInterval => Ui.Value.RelativeTimeRefresh;

    private DateTimeOffset Now => Time.GetUtcNow();

    protected override void OnParametersSet()
    {
        _query = new NodeQuery
        {
            Search = Empty(Search),
            Component = Empty(Component),
            State = ParseState(State),
            Version = Empty(Version),
            Sort = Enum.TryParse<NodeSort>(Sort, ignoreCase: true, out var sort) ? sort : NodeSort.State,
            Descending = Descending is { } desc && (desc.Equals("true", StringComparison.OrdinalIgnoreCase) || desc == "1"),
        };
        Refresh();
    }

    protected override void OnFleetChanged(IReadOnlyList<FleetChanges> batches, bool resynchronised)
    {
        // Alives that only refresh last-seen times change neither which rows match nor their order: the rows shown
        // are looked up fresh at render time (Current), so the list is recomputed only when it can differ.
        if (NodeListCache.RevisionFor(_query, Summary) == _rowsRevision && !resynchronised)
        {
            return;
        }

        // While the fleet churns (a restart storm), recompute at most once per four times what the last one cost,
        // so a large list cannot take the server's CPU from the ingest; a deferred refresh catches up at the end.
        var wait = _refreshCost * 4 - Time.GetElapsedTime(_refreshedAt);
        if (!resynchronised && wait > TimeSpan.Zero)
        {
            if (!_refreshPending)
            {
                _refreshPending = true;
                _ = RefreshLaterAsync(wait);
            }

            return;
        }

        Refresh();
    }

    private async Task RefreshLaterAsync(TimeSpan wait)
    {
        try
        {
            await Task.Delay(wait, Time, PageStopping);
            await InvokeAsync(() =>
            {
                if (_refreshPending)
                {
                    Refresh();
                    StateHasChanged();
                }
            });
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    protected override void OnClockTick()
    {
        if (_refreshPending)
        {
            Refresh();
        }
    }

    private void Refresh()
    {
        var started = Time.GetTimestamp();
        _rowsRevision = NodeListCache.RevisionFor(_query, Summary);
        _rows = Lists.Get(_query, _rowsRevision);
        _refreshedAt = Time.GetTimestamp();
        _refreshCost = Time.GetElapsedTime(started, _refreshedAt);
        _refreshPending = false;
    }

    /// <summary>The newest snapshot of a row's node (its last-seen time moves on between list recomputations).</summary>
    private NodeSnapshot Current(NodeSnapshot row) => Fleet.Nodes.TryGetValue(row.Key, out var current) ? current : row;

    private void OnSearchChanged(string? value) => Navigate(_query with { Search = Empty(value) });

    private void Navigate(NodeQuery query) => Navigation.NavigateTo(Link(query), replace: true);

    private string SortLink(NodeSort sort) =>
        Link(_query with { Sort = sort, Descending = _query.Sort == sort && !_query.Descending });

    private string Arrow(NodeSort sort) => _query.Sort != sort ? "" : _query.Descending ? " ▼" : " ▲";

    internal static NodeState? ParseState(string? value) =>
        Enum.TryParse<NodeState>(value, ignoreCase: true, out var state) && Enum.IsDefined(state) && !int.TryParse(value, out _) ? state : null;

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The URL of the node list with a filter: what overview counts link to.</summary>
    public static string Link(NodeQuery query)
    {
        var parameters = new Dictionary<string, string?>();
        if (query.Search is not null)
        {
            parameters["q"] = query.Search;
        }

        if (query.Component is not null)
        {
            parameters["component"] = query.Component;
        }

        if (query.State is { } state)
        {
            parameters["state"] = DisplayFormat.NameOf(state);
        }

        if (query.Version is not null)
        {
            parameters["version"] = query.Version;
        }

        if (query.Sort != NodeSort.State)
        {
            parameters["sort"] = query.Sort.ToString().ToLowerInvariant();
        }

        if (query.Descending)
        {
            parameters["desc"] = "true";
        }

        return QueryHelpers.AddQueryString("nodes", parameters);
    }
}
