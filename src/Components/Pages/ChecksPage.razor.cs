using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.WebUtilities;

namespace ChoriaDashboard.Components.Pages;

/// <summary>
/// Every nagios check of the fleet, as Choria Scout lists them: counts per status, then the checks, failing first.
/// Filters live in the URL (<c>/checks?status=critical,warning&amp;check=…&amp;identity=…</c>). The first screen of rows is
/// plain markup, in the prerendered HTML; the rest is virtualised.
/// </summary>
public sealed partial class ChecksPage
{
    private static readonly NagiosStatus[] Statuses =
        [NagiosStatus.Critical, NagiosStatus.Warning, NagiosStatus.Unknown, NagiosStatus.NotChecked, NagiosStatus.Ok];

    private CheckQuery _query = new();
    private CheckRow[] _rows = [];

    [Inject]
    private CheckListCache Lists { get; set; } = default!;
    private bool _refreshed;
    private CallbackThrottler _refresh = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    /// <summary>Comma-separated: ok, warning, critical, unknown, notchecked (current checks of that health), stale.</summary>
    [SupplyParameterFromQuery(Name = "status")]
    public string? Status { get; set; }

    [SupplyParameterFromQuery(Name = "check")]
    public string? Check { get; set; }

    [SupplyParameterFromQuery(Name = "identity")]
    public string? Identity { get; set; }

    protected override TimeSpan? ClockInterval => Ui.Value.RelativeTimeRefresh;

    private DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>The rows shown now, in order (for tests and the count).</summary>
    internal IReadOnlyList<CheckRow> Rows => _rows;

    protected override void OnParametersSet()
    {
        var query = new CheckQuery
        {
            Statuses = CheckQuery.ParseStatuses(Status),
            Stale = CheckQuery.ParseStale(Status),
            Check = Empty(Check),
            Identity = Empty(Identity),
        };

        // Also called when the layout re-renders: the rows are recomputed only for another filter.
        if (_refreshed && query.Statuses.SetEquals(_query.Statuses) && query.Stale == _query.Stale && query.Check == _query.Check && query.Identity == _query.Identity)
        {
            return;
        }

        _query = query;
        Refresh();
    }

    protected override void OnInitialized()
    {
        base.OnInitialized();
        _refresh = CreateThrottle(Refresh);
    }

    protected override bool OnFleetUpdated(IReadOnlyList<FleetUpdate> updates)
    {
        if (updates[0].IsSnapshot)
        {
            Refresh();
        }
        else if (updates.Any(u => u.ChangedMachines.Count > 0))
        {
            // A large fleet's checks are recomputed at most once per four times what the last recomputation cost, so a
            // check storm cannot take the server's CPU from the ingest; the last request is never lost.
            _ = _refresh.ExecuteAsync();
        }

        return true;
    }

    private void Refresh()
    {
        _rows = Lists.Get(_query, Summary.Revision);
        _refreshed = true;
    }

    private int Count(NagiosStatus status) => status switch
    {
        NagiosStatus.Ok => Summary.Health.Ok,
        NagiosStatus.Warning => Summary.Health.Warning,
        NagiosStatus.Critical => Summary.Health.Critical,
        NagiosStatus.Unknown => Summary.Health.Unknown,
        _ => Summary.Health.NotChecked,
    };

    private void Navigate(CheckQuery query) => Navigation.NavigateTo(Link(query), replace: true);

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The URL of the checks page with a filter: what the overview's health counts link to.</summary>
    public static string Link(CheckQuery query)
    {
        var parameters = new Dictionary<string, string?>();
        if (query.FiltersStatus)
        {
            parameters["status"] = string.Join(',', Statuses.Where(query.Statuses.Contains).Select(CheckQuery.NameOf).Concat(query.Stale ? [CheckQuery.StaleWord] : []));
        }

        if (query.Check is not null)
        {
            parameters["check"] = query.Check;
        }

        if (query.Identity is not null)
        {
            parameters["identity"] = query.Identity;
        }

        return QueryHelpers.AddQueryString("checks", parameters);
    }
}
