using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Store;

namespace ChoriaDashboard.Fleet.Rules;

/// <summary>
/// The fleet's data and the entry point of the rules that change it: <see cref="Apply"/> hands each event to the rules
/// of its family. Owned by one writer (the <see cref="FleetStore"/> loop): only it calls the mutating methods, and only
/// this class changes the tables and counters (partial files by role: nodes here, machines and checks in
/// <c>FleetState.Machines.cs</c>, news in <c>FleetState.News.cs</c>). Readers may read <see cref="Nodes"/> and
/// <see cref="Machines"/> concurrently; every value there is an immutable snapshot that is replaced, never changed, except
/// a node's <see cref="NodeActivity"/> (last seen and recent events), which is safe to read while the writer moves it.
/// </summary>
internal sealed partial class FleetState
{
    private const string UnknownVersion = VersionCount.Unknown;

    /// <summary>Nodes the table is sized for at start (it grows beyond when needed).</summary>
    private const int InitialNodeCapacity = 1 << 17;

    private readonly Dictionary<string, ComponentCounter> _counters = new(StringComparer.Ordinal);
    private readonly LifecycleRules _lifecycle;
    private readonly MachineRules _machineRules;
    private readonly GovernorRules _governor;
    private readonly LivenessRules _liveness;
    private readonly ConcurrentDictionary<NodeKey, NodeSnapshot> _nodeTable;

    public FleetState(FleetOptions options)
    {
        Options = options;
        Policy = new LivenessPolicy(options);
        Details = new HistoryDetails(options.MaxHistoryDetails);

        // A whole fleet starting at once should not rehash the table several times on the way up.
        _nodeTable = new ConcurrentDictionary<NodeKey, NodeSnapshot>(Environment.ProcessorCount, Math.Min(options.MaxNodes, InitialNodeCapacity));
        Nodes = new NodeView(_nodeTable, () => NodeCount);

        _lifecycle = new LifecycleRules(this, new ProvisioningRules(this));
        _machineRules = new MachineRules(this);
        _governor = new GovernorRules(options.MaxGovernorCounters, options.GovernorHistoryLength);
        _liveness = new LivenessRules(this);
        Notable = new NewsLog(options.NotableChangesLength);
    }

    /// <summary>The recent notable news (deaths, returns, upgrades, stops, critical checks).</summary>
    public NewsLog Notable { get; }

    /// <summary>The nodes now, as readers may see them (see <see cref="NodeView"/>).</summary>
    public IReadOnlyDictionary<NodeKey, NodeSnapshot> Nodes { get; }

    public IReadOnlyDictionary<string, MachineHost> Machines => _hosts;

    public LivenessPolicy Policy { get; }

    /// <summary>Counts of governor events by governor and event type, as tally counts them; safe to read concurrently.</summary>
    public IReadOnlyDictionary<(string Governor, string Event), long> GovernorCounts => _governor.Counts;

    /// <summary>The newest governor events, oldest first (see <see cref="GovernorHistoryEntry"/>).</summary>
    public IReadOnlyList<GovernorHistoryEntry> GovernorHistory => _governor.Recent;

    /// <summary>See <see cref="FleetSummary.NodeListRevision"/>.</summary>
    public long NodeListRevision { get; private set; }

    /// <summary>Applies one event received at <paramref name="receivedAt"/>, recording what changed and the news.</summary>
    /// <param name="replayed">
    /// Replayed from Choria Streams (<paramref name="receivedAt"/> is the stream's timestamp): older than what is known
    /// of the node, machine or watcher, it is <see cref="ApplyOutcome.Superseded"/>; its news is flagged replayed. A live
    /// event is always applied: its receipt time comes from the dashboard's clock, which cannot be compared with the
    /// broker's.
    /// </param>
    /// <param name="heardAt">
    /// When it was received on the liveness clock (the dashboard's monotonic clock as a time of day, see
    /// <see cref="NodeActivity.HeardAt"/>); silences are measured on it. <paramref name="receivedAt"/> when not given.
    /// </param>
    public ApplyOutcome Apply(ChoriaEvent evt, DateTimeOffset receivedAt, FleetChangeSet changes, bool replayed = false, DateTimeOffset? heardAt = null)
    {
        Begin(receivedAt, heardAt ?? receivedAt, changes, replayed);
        return evt switch
        {
            GovernorEvent g => Governor(g, receivedAt),
            LifecycleEvent l => _lifecycle.Apply(l, receivedAt, changes, replayed),
            MachineTransitionEvent t => _machineRules.Apply(t, receivedAt, changes, replayed),
            WatcherStateEvent w => _machineRules.Apply(w, receivedAt, changes, replayed),
            _ => ApplyOutcome.CountedOnly,
        };
    }

    /// <summary>
    /// Moves silent nodes to stale or dead, marks checks that are no longer current as stale, and forgets nodes, machines
    /// and watchers silent past <c>ForgetAfter</c>.
    /// </summary>
    /// <param name="now">The wall clock: when the news of the sweep happened.</param>
    /// <param name="deaf">Periods the dashboard could not hear, on the liveness clock.</param>
    /// <param name="heardNow">Now on the liveness clock, which silences are measured on; <paramref name="now"/> when not given.</param>
    public void Sweep(DateTimeOffset now, FleetChangeSet changes, DeafTimeline? deaf = null, DateTimeOffset? heardNow = null)
    {
        Begin(now, heardNow ?? now, changes, replayed: false);
        _liveness.Sweep(heardNow ?? now, changes, deaf ?? DeafTimeline.None);
    }

    /// <summary>Builds the summary from the running counters: cost grows with components × versions, not nodes.</summary>
    public FleetSummary BuildSummary(long revision, DateTimeOffset asOf)
    {
        var components = _counters
            .Where(c => c.Value.Total > 0)
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => c.Value.ToSummary(c.Key))
            .ToImmutableArray();
        return new FleetSummary(revision, asOf, components, MachineCount, HealthCounts(), NodeListRevision);
    }

    // ---- Shared with the rules (writer only) ----

    internal FleetOptions Options { get; }

    /// <summary>The numbered history details every node's activity shares.</summary>
    internal HistoryDetails Details { get; }

    /// <summary>Kept by the writer: <see cref="ConcurrentDictionary{TKey, TValue}.Count"/> takes every lock of the table.</summary>
    internal int NodeCount { get; private set; }

    /// <summary>Components with nodes that count against <c>Fleet:MaxComponents</c>: all but the always kept ones (see <see cref="HasRoomForComponent"/>).</summary>
    internal int CappedComponentCount { get; private set; }

    internal bool TryGetNode(NodeKey key, [NotNullWhen(true)] out NodeSnapshot? node) => _nodeTable.TryGetValue(key, out node);

    /// <summary>
    /// Whether a new node of <paramref name="component"/> may be added: a component that already has nodes, Choria's own
    /// (server, provision_mode_server, provisioner) and those configured under <c>Fleet:Components</c> always; any other
    /// while fewer than <c>Fleet:MaxComponents</c> such components have nodes. Choria's own are kept apart so a flood of
    /// made-up names arriving first cannot lock out the real fleet.
    /// </summary>
    internal bool HasRoomForComponent(string component) =>
        _counters.ContainsKey(component) || AlwaysKept(component) || CappedComponentCount < Options.MaxComponents;

    /// <summary>Every node, safe to enumerate while <see cref="ReplaceNode"/> and <see cref="RemoveNode"/> run.</summary>
    internal IEnumerable<KeyValuePair<NodeKey, NodeSnapshot>> AllNodes => _nodeTable;

    /// <summary>
    /// Publishes <paramref name="next"/> in place of <paramref name="old"/> (null for a new node), keeping the counts and
    /// telling the news; <paramref name="cause"/> is the lifecycle event that changed it, null for the sweep.
    /// </summary>
    internal void ReplaceNode(NodeSnapshot? old, NodeSnapshot next, LifecycleEventType? cause)
    {
        if (old is null || old.State != next.State || old.Version != next.Version || old.UpgradingTo != next.UpgradingTo)
        {
            NodeListRevision++;
        }

        if (old is not null)
        {
            Count(old, -1);
        }

        Count(next, +1);
        NoteNode(old, next, cause);
        _nodeTable[next.Key] = next;
        if (old is null)
        {
            NodeCount++;
        }
    }

    /// <summary>
    /// Records an event in a node's activity (shared by every snapshot of the node, moved forward in place): its last
    /// seen and heard times, last event and history (at most <c>Fleet:HistoryLength</c> entries), and its alive cadence:
    /// an alive right after an alive adds an interval; a startup or shutdown starts the cadence afresh (a new process,
    /// perhaps a new version with another interval); the gap from a startup to the first alive is random in go-choria
    /// and never counts.
    /// </summary>
    internal void Record(NodeSnapshot node, NodeHistoryEntry entry)
    {
        var activity = node.Activity;
        if (entry.Type == LifecycleEventType.Alive && activity.LastEvent == LifecycleEventType.Alive)
        {
            activity.SetCadence(activity.Cadence.Observe(_heardNow - activity.HeardAt));
        }
        else if (entry.Type is LifecycleEventType.Startup or LifecycleEventType.Shutdown && activity.Cadence.IsKnown)
        {
            activity.SetCadence(AliveCadence.Unknown);
        }

        activity.Record(entry.ReceivedAt, _heardNow, entry, Options.HistoryLength);
    }

    /// <summary>A new node's activity, first heard from now.</summary>
    internal NodeActivity NewActivity(DateTimeOffset receivedAt, LifecycleEventType type) => new(receivedAt, type, Details, _heardNow);

    /// <summary>Forgets <paramref name="node"/>, keeping the counts; false when it was not in the table.</summary>
    internal bool RemoveNode(NodeKey key, NodeSnapshot node)
    {
        if (!_nodeTable.TryRemove(key, out _))
        {
            return false;
        }

        NodeCount--;
        Count(node, -1);
        NodeListRevision++;
        return true;
    }

    private ApplyOutcome Governor(GovernorEvent g, DateTimeOffset receivedAt)
    {
        NoteGovernor(g);
        return _governor.Apply(g, receivedAt);
    }

    private void Count(NodeSnapshot node, int delta)
    {
        if (!_counters.TryGetValue(node.Component, out var counter))
        {
            counter = new ComponentCounter(Options.MaxVersionsPerComponent, Options.PreReleaseNewest);
            _counters[node.Component] = counter;
            CappedComponentCount += AlwaysKept(node.Component) ? 0 : 1;
        }

        counter.Add(node.State, node.Version ?? UnknownVersion, delta);
        if (counter.Total == 0)
        {
            _counters.Remove(node.Component);
            CappedComponentCount -= AlwaysKept(node.Component) ? 0 : 1;
        }
    }

    private bool AlwaysKept(string component) =>
        component is ChoriaComponents.Server or ChoriaComponents.ProvisionModeServer or ChoriaComponents.Provisioner
        || Options.Components.ContainsKey(component);
}
