using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Components.Wall;

/// <summary>
/// The wallboard (<c>/wall</c>): large numbers for a screen across the room, no controls. Its link chooses the
/// components, views, intervals and theme (<see cref="WallSettings"/>); the state of the whole screen changes when
/// nodes die, and the board says so in large type while its numbers are not current.
/// </summary>
public sealed partial class WallPage
{
    /// <summary>Component tiles on one overview page; more components page by themselves.</summary>
    public const int OverviewTiles = 4;

    /// <summary>Rows per page of the problem list on the overview.</summary>
    public const int OverviewProblemRows = 8;

    /// <summary>Rows per page of the problem list on a component's view.</summary>
    public const int ComponentProblemRows = 9;

    /// <summary>Rows per page of the problems view.</summary>
    public const int ProblemRows = 9;

    /// <summary>Rows per page of the checks view.</summary>
    public const int CheckRows = 10;

    /// <summary>Versions listed on a component's view; the rest are summed in one line.</summary>
    public const int ComponentVersionRows = 7;

    /// <summary>Ticker entries in the band at the bottom.</summary>
    public const int TickerEntries = 3;

    /// <summary>The status band's letter spacing in em, as wall.css sets it: part of the band's width.</summary>
    private const double StatusLetterSpacing = 0.05;

    /// <summary>Failing checks are re-read from the machines at most this often (they cost machines × watchers).</summary>
    private static readonly TimeSpan ChecksRefresh = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The problem list is rebuilt at most this often: while nodes die one batch after another, each new state means a
    /// scan of the whole fleet for the shared dead and stale lists, and the board redraws once a second anyway.
    /// </summary>
    private static readonly TimeSpan ProblemsRefresh = TimeSpan.FromSeconds(1);

    private readonly WallProblems _problems = new();
    private readonly WallChecks _checks = new();
    private WallTicker _ticker = default!;
    private WallRotation _rotation = default!;
    private WallSettings _settings = WallSettings.Default;
    private Func<string, bool>? _showsComponent;
    private HashSet<string>? _chosen;
    private DateTimeOffset? _newestEvent;
    private HealthSummary? _checksHealth;
    private bool _checksDirty = true;
    private DateTimeOffset _problemsAt = DateTimeOffset.MinValue;

    [Inject]
    private NodeListCache Lists { get; set; } = default!;

    [Inject]
    private IOptions<WallOptions> WallLimits { get; set; } = default!;

    [Inject]
    private IOptions<FleetOptions> FleetLimits { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "components")]
    public string? ComponentsParameter { get; set; }

    [SupplyParameterFromQuery(Name = "views")]
    public string? ViewsParameter { get; set; }

    [SupplyParameterFromQuery(Name = "interval")]
    public string? IntervalParameter { get; set; }

    [SupplyParameterFromQuery(Name = "page")]
    public string? PageParameter { get; set; }

    [SupplyParameterFromQuery(Name = "theme")]
    public string? ThemeParameter { get; set; }

    /// <summary>The board's settings as read from its link.</summary>
    public WallSettings Settings => _settings;

    protected override TimeSpan? ClockInterval => TimeSpan.FromSeconds(1);

    private DateTimeOffset Now => Time.GetUtcNow();

    private WallCurrency Currency { get; set; } = WallCurrency.Current;

    private WallSlide Slide => _rotation.Current;

    protected override void OnInitialized()
    {
        base.OnInitialized();
        _ticker = new WallTicker(WallLimits.Value.TickerLength);
        _rotation = new WallRotation(Now);
        Currency = WallCurrency.From(Summary.Currency);
        _newestEvent = NewestEventIn(Fleet.Nodes.Values);
    }

    protected override void OnParametersSet()
    {
        _settings = WallSettings.Parse(ComponentsParameter, ViewsParameter, IntervalParameter, ThemeParameter, PageParameter);
        _chosen = _settings.Components.IsEmpty ? null : new HashSet<string>(_settings.Components, StringComparer.Ordinal);
        var chosen = _chosen;
        _showsComponent = chosen is null ? null : chosen.Contains;
        _checksDirty = true;
        _problemsAt = DateTimeOffset.MinValue;
        Recompute();
    }

    protected override bool OnFleetUpdated(IReadOnlyList<FleetUpdate> updates)
    {
        var snapshot = updates[0].IsSnapshot;
        _ticker.Observe(updates, _showsComponent);
        if (snapshot)
        {
            _newestEvent = NewestEventIn(Fleet.Nodes.Values);
        }

        foreach (var update in updates)
        {
            _newestEvent = Max(_newestEvent, NewestEventIn(update.ChangedNodes));
            _checksDirty |= update.ChangedMachines.Count > 0;
        }

        _checksDirty |= snapshot || Summary.Health != _checksHealth;
        Currency = WallCurrency.From(Summary.Currency);
        Recompute();
        return true;
    }

    protected override void OnClockTick()
    {
        Currency = WallCurrency.From(Summary.Currency);
        _rotation.Tick(Now, _settings.Interval, _settings.PageInterval);
        Recompute();
    }

    /// <summary>Brings the slides, the problem list (at most every second) and the failing checks (every two) up to date.</summary>
    private void Recompute()
    {
        _rotation.SetSlides(BuildSlides());
        if (Now - _problemsAt >= ProblemsRefresh)
        {
            _problemsAt = Now;
            _problems.Refresh(Lists, Summary, _showsComponent, n => FleetLimits.Value.ThresholdsFor(n).StaleAfter);
        }

        if (_checksDirty && Now - _checks.BuiltAt >= ChecksRefresh)
        {
            _checksHealth = Summary.Health;
            _checks.Refresh(Fleet, IdentityFilter(), WallLimits.Value.MaxListedChecks, Now);
            _checksDirty = false;
        }
    }

    private Func<string, bool>? IdentityFilter()
    {
        if (_chosen is not { } chosen)
        {
            return null;
        }

        var nodes = Fleet.Nodes;
        return identity => chosen.Any(component => nodes.ContainsKey(new NodeKey(identity, component)));
    }

    private List<WallSlide> BuildSlides()
    {
        var slides = new List<WallSlide>();
        foreach (var view in _settings.Views)
        {
            if (view == WallView.Component)
            {
                slides.AddRange(Shown.Select(c => new WallSlide(WallView.Component, c.Component)));
            }
            else
            {
                slides.Add(new WallSlide(view));
            }
        }

        return slides.Count > 0 ? slides : [new WallSlide(WallView.Overview)];
    }

    /// <summary>The components on the board: those the link names and the fleet has, in the link's order; else all.</summary>
    private IReadOnlyList<ComponentSummary> Shown =>
        _settings.Components.IsEmpty
            ? Summary.Components
            : [.. _settings.Components.Select(name => Summary.Components.FirstOrDefault(c => c.Component == name)).OfType<ComponentSummary>()];

    /// <summary>
    /// The link's notices, one per named component no node has announced, and what the room must know although the
    /// numbers are current: real nodes turned away at Fleet:MaxNodes, history the replay could not bring.
    /// </summary>
    private IEnumerable<string> Notices =>
        _settings.Notices.Concat(Summary.Revision == 0
            ? []
            : _settings.Components
                .Where(name => !Summary.Components.Any(c => c.Component == name))
                .Select(name => $"Unknown component \"{name}\": no node of it seen."))
        .Concat(Summary.TurnedAway is { } turnedAway
            ? [$"Fleet full: {(turnedAway.NodesAtLeast ? "at least " : "")}{turnedAway.Nodes:N0} new nodes turned away since {turnedAway.Since.ToLocalTime():HH:mm} (Fleet:MaxNodes {turnedAway.MaxNodes:N0})."]
            : [])
        .Concat(Summary.Currency.HistoryIncomplete is not null ? ["History incomplete: the replay of Choria Streams was given up."] : []);

    private int Dead => Shown.Sum(c => c.Dead);

    private int Stale => Shown.Sum(c => c.Stale);

    /// <summary>The whole screen's state, most urgent first: not current, dead, stale, good, waiting.</summary>
    private string StateName =>
        !Currency.IsCurrent ? "not-current"
        : Dead > 0 ? "dead"
        : Stale > 0 ? "stale"
        : Shown.Count > 0 ? "good"
        : "waiting";

    private string StatusText => StateName switch
    {
        "not-current" => "NOT CURRENT",
        "dead" => $"{DisplayFormat.Number(Dead)} DEAD" + (Stale > 0 ? $" · {DisplayFormat.Number(Stale)} STALE" : ""),
        "stale" => $"{DisplayFormat.Number(Stale)} STALE",
        "good" => "ALL GOOD",
        _ => "WAITING FOR EVENTS",
    };

    /// <summary>
    /// Every count the view shows, on all its pages (a turning page must not resize the numbers): the board sizes them
    /// all for the widest, so a six-digit count fits its cell and the other columns keep the same size.
    /// </summary>
    private IEnumerable<int> CountsOnView => Slide.View switch
    {
        WallView.Component => Shown.Where(c => c.Component == Slide.Component).SelectMany(StateCounts),
        WallView.Checks => [Summary.Health.Ok, Summary.Health.Warning, Summary.Health.Critical, Summary.Health.Unknown],
        WallView.Problems => [Dead, Stale],
        _ => Shown.SelectMany(StateCounts),
    };

    private static int[] StateCounts(ComponentSummary c) => [c.Live, c.Stale, c.Dead, c.Stopped];

    private string RootClass => $"wall wall-{(_settings.Theme == WallTheme.Light ? "light" : "dark")} wall-state-{StateName}";

    private string SlideTitle => Slide.View switch
    {
        WallView.Component => Slide.Component ?? "component",
        WallView.Checks => "Health checks",
        WallView.Problems => "Dead and stale nodes",
        _ => "Overview",
    };

    private string NewestEventText => _newestEvent is { } at
        ? $"newest event {DisplayFormat.Ago(Now - at)}"
        : "no event yet";

    private string NotCurrentText => Currency.NotCurrentSince is { } since
        ? $"{Currency.Reason} since {since.ToLocalTime():HH:mm:ss} ({DisplayFormat.Ago(Now - since).Replace(" ago", "", StringComparison.Ordinal)}): the numbers below are from before"
        : $"{Currency.Reason}: the numbers below are from before";

    /// <summary>The rows of <paramref name="rows"/> on the page now showing, and the page's "2 / 5" label (empty for one page).</summary>
    private (IReadOnlyList<T> Rows, string Label) PageOf<T>(IReadOnlyList<T> rows, int pageSize)
    {
        var pages = WallRotation.PageCount(rows.Count, pageSize);
        var page = _rotation.Page(pages);
        var slice = rows.Skip(page * pageSize).Take(pageSize).ToArray();
        return (slice, pages > 1 ? $"page {page + 1} / {pages}" : "");
    }

    private (IReadOnlyList<NodeSnapshot> Rows, string Label) ProblemPage(IReadOnlyList<NodeSnapshot> rows, int pageSize) => PageOf(rows, pageSize);

    private IReadOnlyList<NodeSnapshot> ProblemsOf(string? component) =>
        component is null ? _problems.Rows : [.. _problems.Rows.Where(n => n.Component == component)];

    private string Silent(NodeSnapshot node) => DisplayFormat.Ago(Now - node.LastSeen).Replace(" ago", "", StringComparison.Ordinal);

    private static string TickerText(WallTickerKind kind) => kind switch
    {
        WallTickerKind.Startup => "started",
        WallTickerKind.Shutdown => "stopped",
        WallTickerKind.Upgrade => "upgrading",
        _ => "DEAD",
    };

    private static string HealthName(Events.NagiosStatus health) => health.ToString().ToUpperInvariant();

    private static DateTimeOffset? NewestEventIn(IEnumerable<NodeSnapshot> nodes)
    {
        DateTimeOffset? newest = null;
        foreach (var node in nodes)
        {
            newest = Max(newest, node.LastSeen);
        }

        return newest;
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
