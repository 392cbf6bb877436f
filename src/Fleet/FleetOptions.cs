using System.ComponentModel.DataAnnotations;
using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Fleet;

/// <summary>Liveness thresholds and memory limits of the fleet view (section <c>Fleet</c>).</summary>
public sealed class FleetOptions
{
    public const string Section = "Fleet";

    /// <summary>A node silent for longer is stale (two alive intervals of 30 minutes would be 60; 40 flags one missed alive).</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(40);

    /// <summary>A node silent for longer is dead; 80 minutes is when Choria's tally expires a node.</summary>
    public TimeSpan DeadAfter { get; set; } = TimeSpan.FromMinutes(80);

    /// <summary>Dead and stopped nodes stay visible this long after they were last heard of, then are forgotten.</summary>
    public TimeSpan ForgetAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The longest alive interval liveness honours, 1 second to 1 day: a node heard sending alives less often than this
    /// (or whose version implies it) is judged as if it sent one this often, so its thresholds never exceed
    /// <see cref="LivenessThresholds.StaleAfterIntervals"/> and <see cref="LivenessThresholds.DeadAfterIntervals"/> times
    /// it (beyond those configured). The default covers go-choria's hourly alives before 0.29 with five minutes to spare.
    /// </summary>
    public TimeSpan MaxAliveInterval { get; set; } = TimeSpan.FromMinutes(65);

    /// <summary>
    /// A nagios check silent this long is stale (not current) when its own check interval is not known: its state carries
    /// fewer than two timed results in its history (the first run, or Choria before 0.17). With a known interval it is
    /// stale after <see cref="CheckStaleIntervals"/> of them.
    /// </summary>
    public TimeSpan CheckStaleAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A check whose interval is known is stale after this many intervals without a result: two missed runs and some slack.</summary>
    public const double CheckStaleIntervals = 2.5;

    /// <summary>
    /// A gap at least this long between two wake-ups of the fleet writer, which wakes at least every
    /// <see cref="SweepInterval"/>, means the process did not run (a suspended VM, a stopped container): the gap counts as
    /// deaf time, so nodes do not die of silence nobody was there to hear. 0 turns this off.
    /// </summary>
    public TimeSpan SuspendGap { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Thresholds for particular components, e.g. <c>Fleet:Components:provisioner:DeadAfter</c>.</summary>
    public Dictionary<string, ComponentThresholds> Components { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Most nodes (identity × component) kept; new ones beyond it are rejected and counted.</summary>
    [Range(1, 10_000_000)]
    public int MaxNodes { get; set; } = 250_000;

    /// <summary>
    /// Distinct new nodes remembered while nodes are turned away at <see cref="MaxNodes"/>, to count them; beyond, the
    /// count is shown as a lower bound ("at least").
    /// </summary>
    [Range(0, 10_000_000)]
    public int TurnedAwayNodesCounted { get; set; } = 65_536;

    /// <summary>Recent events kept per node.</summary>
    [Range(0, 1024)]
    public int HistoryLength { get; set; } = 32;

    /// <summary>Autonomous agent machines kept per identity.</summary>
    [Range(0, 4096)]
    public int MaxMachinesPerNode { get; set; } = 64;

    /// <summary>Watchers kept per machine.</summary>
    [Range(0, 4096)]
    public int MaxWatchersPerMachine { get; set; } = 32;

    /// <summary>
    /// Watchers (checks and other machine workers) kept across the fleet, 0 to 100 million: a state from a new watcher
    /// beyond is rejected and counted (<c>fleetFull</c>), known watchers go on updating. The default fits 250,000
    /// nodes with four each.
    /// </summary>
    public int MaxWatchers { get; set; } = 1_000_000;

    /// <summary>
    /// Components with nodes kept, 1 to 10,000, besides Choria's own (<c>server</c>, <c>provision_mode_server</c>,
    /// <c>provisioner</c>) and those under <see cref="Components"/>, which are always kept: a node of a further new
    /// component is rejected and counted (<c>tooManyComponents</c>). Each component costs every summary and sample.
    /// </summary>
    public int MaxComponents { get; set; } = 64;

    /// <summary>
    /// Whether a pre-release (<c>0.30.0-rc.1</c>) may be a component's newest version while a release version runs;
    /// off, release versions come first and a pre-release is newest only when no release is live or stale.
    /// </summary>
    public bool PreReleaseNewest { get; set; }

    /// <summary>Distinct history details (versions, "old → new") numbered for node histories; entries beyond keep no detail.</summary>
    [Range(0, 10_000_000)]
    public int MaxHistoryDetails { get; set; } = 100_000;

    /// <summary>Distinct (governor, event type) pairs counted; events of further pairs are not counted.</summary>
    [Range(0, 10_000_000)]
    public int MaxGovernorCounters { get; set; } = 100_000;

    /// <summary>The newest governor events kept as they came (who held which slot, when), for readers to show.</summary>
    [Range(0, 10_000)]
    public int GovernorHistoryLength { get; set; } = 100;

    /// <summary>Recent transitions kept per autonomous agent machine (node detail page).</summary>
    [Range(0, 1024)]
    public int MachineTransitionHistory { get; set; } = 10;

    /// <summary>The newest accepted events kept for a live tail (<c>/events</c>) to show when it opens.</summary>
    [Range(0, 100_000)]
    public int EventFeedLength { get; set; } = 200;

    /// <summary>
    /// Accepted events buffered per live tail (beside <see cref="SubscriberBufferSize"/> updates): a tail further behind
    /// gets a fresh snapshot instead, and counts the events it never saw as dropped. The writer never waits.
    /// </summary>
    [Range(1, 1_000_000)]
    public int EventFeedSubscriberBuffer { get; set; } = 4096;

    /// <summary>How often silent nodes are re-evaluated (live → stale → dead → forgotten).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most events the writer applies before it publishes an update.</summary>
    [Range(1, 1_000_000)]
    public int MaxBatchSize { get; set; } = 8192;

    /// <summary>
    /// When the writer has caught up, it waits this long for events to gather before the next batch: far fewer
    /// wake-ups, summaries and page notifications under load, for a delay nobody can see.
    /// </summary>
    public TimeSpan BatchDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Updates of the fleet's stream buffered per subscriber (a page, a control, a live tail); a subscriber further behind
    /// gets a fresh snapshot instead of its backlog. The writer never waits.
    /// </summary>
    [Range(1, 1_000_000)]
    public int SubscriberBufferSize { get; set; } = 1024;

    /// <summary>
    /// Periods of being cut off from the broker remembered, so that silence the dashboard could not hear does not count
    /// against a node; beyond, the oldest is dropped (silence across it counts again).
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxOutages { get; set; } = 1024;

    /// <summary>
    /// Distinct versions counted separately per component; beyond, nodes on further new versions are counted together
    /// under <see cref="VersionCount.Other"/> until that bucket empties again.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxVersionsPerComponent { get; set; } = 256;
    // ---- Over time: the overview's chart and feed ----

    /// <summary>How often the writer samples the fleet's counts for the overview's chart (at most once per sweep, <see cref="SweepInterval"/>).</summary>
    public TimeSpan SeriesInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Samples kept (oldest dropped first): with the default interval, 6 hours.</summary>
    [Range(0, 100_000)]
    public int SeriesLength { get; set; } = 360;

    /// <summary>The newest notable news kept for the overview's feed (deaths, returns, upgrades, stops, critical checks).</summary>
    [Range(0, 10_000)]
    public int NotableChangesLength { get; set; } = 200;

    /// <summary>The thresholds in force for a component.</summary>
    public LivenessThresholds ThresholdsFor(string component)
    {
        if (Components.TryGetValue(component, out var o))
        {
            return new LivenessThresholds(o.StaleAfter ?? StaleAfter, o.DeadAfter ?? DeadAfter, o.ForgetAfter ?? ForgetAfter);
        }

        return new LivenessThresholds(StaleAfter, DeadAfter, ForgetAfter);
    }

    /// <summary>
    /// The thresholds in force for one node: its component's, raised to what its alive interval needs once it has shown a
    /// steady cadence (or, before that, when its version implies hourly alives), never beyond what
    /// <see cref="MaxAliveInterval"/> needs. See docs/liveness.md.
    /// </summary>
    public LivenessThresholds ThresholdsFor(NodeSnapshot node) => ThresholdsFor(ThresholdsFor(node.Component), node);

    /// <summary>As <see cref="ThresholdsFor(NodeSnapshot)"/>, from the component's thresholds already looked up.</summary>
    internal LivenessThresholds ThresholdsFor(LivenessThresholds component, NodeSnapshot node) =>
        ExpectedAliveInterval(node) is { } interval ? component.ForAliveInterval(interval, MaxAliveInterval) : component;

    /// <summary>How often a node is expected to send alives: its steady cadence, else what its version implies, else not known.</summary>
    public static TimeSpan? ExpectedAliveInterval(NodeSnapshot node) =>
        node.Cadence is { IsSteady: true } cadence ? cadence.Interval : AliveCadence.ImpliedByVersion(node.Component, node.Version);

    /// <summary>
    /// How long a nagios check may be silent before it is stale: <see cref="CheckStaleIntervals"/> of its own check
    /// interval when its history shows it, else <see cref="CheckStaleAfter"/>.
    /// </summary>
    public TimeSpan CheckSilenceAllowed(WatcherSnapshot check) =>
        check.CheckInterval is { } interval ? interval * CheckStaleIntervals : CheckStaleAfter;

    /// <summary>
    /// The fleet-wide replay window: the longest dead threshold any node can have (<c>DeadAfter</c>, raised for a node
    /// with alives every <see cref="MaxAliveInterval"/> to 2.5 of them) plus <paramref name="margin"/>, capped at
    /// <c>ForgetAfter</c> (raised as far as that dead threshold). A node silent for less than its own dead threshold
    /// before a restart comes back stale rather than vanishing; 3 h 22.5 min with the defaults (162.5 min + 40 min).
    /// </summary>
    public TimeSpan FleetReplayWindow(TimeSpan margin) => Window(new LivenessThresholds(StaleAfter, DeadAfter, ForgetAfter), margin);

    /// <summary>
    /// The components (of <see cref="Components"/>) whose replay window is longer than the fleet-wide one, with theirs,
    /// longest first: only their lifecycle events need replaying from further back.
    /// </summary>
    public IReadOnlyList<(string Component, TimeSpan Window)> LongerReplayWindows(TimeSpan margin)
    {
        var fleetWide = FleetReplayWindow(margin);
        return [.. Components.Keys
            .Select(c => (Component: c, Window: Window(ThresholdsFor(c), margin)))
            .Where(c => c.Window > fleetWide)
            .OrderByDescending(c => c.Window)];
    }

    /// <summary>How far back to replay for nodes with thresholds <paramref name="configured"/>, at the slowest cadence allowed.</summary>
    private TimeSpan Window(LivenessThresholds configured, TimeSpan margin)
    {
        var t = configured.ForAliveInterval(MaxAliveInterval, MaxAliveInterval);
        return t.DeadAfter + margin < t.ForgetAfter ? t.DeadAfter + margin : t.ForgetAfter;
    }
}

/// <summary>Per-component overrides; unset values fall back to the fleet-wide ones.</summary>
public sealed class ComponentThresholds
{
    public TimeSpan? StaleAfter { get; set; }

    public TimeSpan? DeadAfter { get; set; }

    public TimeSpan? ForgetAfter { get; set; }
}

/// <summary>The three silences that move a node from live to stale, dead and forgotten.</summary>
public readonly record struct LivenessThresholds(TimeSpan StaleAfter, TimeSpan DeadAfter, TimeSpan ForgetAfter)
{
    /// <summary>A node with a known alive interval is stale once one alive is half an interval overdue.</summary>
    public const double StaleAfterIntervals = 1.5;

    /// <summary>A node with a known alive interval is dead once two alives in a row are missing, and half an interval more.</summary>
    public const double DeadAfterIntervals = 2.5;

    /// <summary>
    /// These thresholds raised to what an alive every <paramref name="interval"/> needs (stale after 1.5 intervals, dead
    /// after 2.5), the interval taken as at most <paramref name="maxInterval"/>: never earlier than these, never later than
    /// the bound needs. Dead nodes are never forgotten before they are dead.
    /// </summary>
    public LivenessThresholds ForAliveInterval(TimeSpan interval, TimeSpan maxInterval)
    {
        var expected = interval < maxInterval ? interval : maxInterval;
        var stale = Max(StaleAfter, expected * StaleAfterIntervals);
        var dead = Max(DeadAfter, expected * DeadAfterIntervals);
        return new LivenessThresholds(stale, dead, Max(ForgetAfter, dead));
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
