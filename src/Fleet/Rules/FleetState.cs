using System.Collections.Concurrent;
using System.Collections.Immutable;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using ChoriaDashboard.Fleet.Store;

namespace ChoriaDashboard.Fleet.Rules;

/// <summary>
/// The fleet's data and the entry point of the rules that change it: <see cref="Apply"/> hands each event to the rules
/// of its family. Owned by one writer (the <see cref="FleetStore"/> loop): only it calls the mutating methods. Readers
/// may read <see cref="Nodes"/> and <see cref="Machines"/> concurrently; every value there is an immutable snapshot that
/// is replaced, never changed, except a node's <see cref="NodeActivity"/> (last seen and recent events), which is safe
/// to read while the writer moves it forward.
/// </summary>
internal sealed class FleetState
{
    private const string UnknownVersion = VersionCount.Unknown;

    /// <summary>Nodes the table is sized for at start (it grows beyond when needed).</summary>
    private const int InitialNodeCapacity = 1 << 17;

    private readonly Dictionary<string, ComponentCounter> _counters = new(StringComparer.Ordinal);
    private readonly int[] _health = new int[5];
    private readonly LifecycleRules _lifecycle;
    private readonly MachineRules _machineRules;
    private readonly GovernorRules _governor;
    private readonly LivenessRules _liveness;

    /// <summary>The time of the event or sweep being applied: when a notable change happened.</summary>
    private DateTimeOffset _now;

    public FleetState(FleetOptions options)
    {
        Options = options;
        Policy = new LivenessPolicy(options);
        Details = new HistoryDetails(options.MaxHistoryDetails);

        // A whole fleet starting at once should not rehash the table several times on the way up.
        NodeTable = new ConcurrentDictionary<NodeKey, NodeSnapshot>(Environment.ProcessorCount, Math.Min(options.MaxNodes, InitialNodeCapacity));
        Nodes = new NodeView(NodeTable, () => NodeCount);

        _lifecycle = new LifecycleRules(this, new ProvisioningRules(this));
        _machineRules = new MachineRules(this);
        _governor = new GovernorRules(options.MaxGovernorCounters, options.GovernorHistoryLength);
        _liveness = new LivenessRules(this);
        Notable = new NotableChangeLog(options.NotableChangesLength);
    }

    /// <summary>The recent notable changes (deaths, returns, upgrades, stops, critical checks).</summary>
    public NotableChangeLog Notable { get; }

    /// <summary>The nodes now, as readers may see them (see <see cref="NodeView"/>).</summary>
    public IReadOnlyDictionary<NodeKey, NodeSnapshot> Nodes { get; }

    public IReadOnlyDictionary<string, MachineHost> Machines => Hosts;

    public LivenessPolicy Policy { get; }

    /// <summary>Counts of governor events by governor and event type, as tally counts them; safe to read concurrently.</summary>
    public IReadOnlyDictionary<(string Governor, string Event), long> GovernorCounts => _governor.Counts;

    /// <summary>The newest governor events, oldest first (see <see cref="GovernorHistoryEntry"/>).</summary>
    public IReadOnlyList<GovernorHistoryEntry> GovernorHistory => _governor.Recent;

    /// <summary>See <see cref="FleetSummary.NodeListRevision"/>.</summary>
    public long NodeListRevision { get; private set; }

    /// <summary>Applies one event received at <paramref name="receivedAt"/>, recording what changed.</summary>
    /// <param name="replayed">
    /// Replayed from Choria Streams (<paramref name="receivedAt"/> is the stream's timestamp): older than what is known
    /// of the node, machine or watcher, it is <see cref="ApplyOutcome.Superseded"/>. A live event is always applied: its
    /// receipt time comes from the dashboard's clock, which cannot be compared with the broker's.
    /// </param>
    public ApplyOutcome Apply(ChoriaEvent evt, DateTimeOffset receivedAt, FleetChangeSet changes, bool replayed = false)
    {
        _now = receivedAt;
        return ApplyEvent(evt, receivedAt, changes, replayed);
    }

    private ApplyOutcome ApplyEvent(ChoriaEvent evt, DateTimeOffset receivedAt, FleetChangeSet changes, bool replayed) => evt switch
    {
        GovernorEvent g => _governor.Apply(g, receivedAt),
        LifecycleEvent l => _lifecycle.Apply(l, receivedAt, changes, replayed),
        MachineTransitionEvent t => _machineRules.Apply(t, receivedAt, changes, replayed),
        WatcherStateEvent w => _machineRules.Apply(w, receivedAt, changes, replayed),
        _ => ApplyOutcome.CountedOnly,
    };

    /// <summary>Moves silent nodes to stale or dead, and forgets nodes, machines and watchers silent past <c>ForgetAfter</c>.</summary>
    public void Sweep(DateTimeOffset now, FleetChangeSet changes, DeafTimeline? deaf = null)
    {
        _now = now;
        _liveness.Sweep(now, changes, deaf ?? DeafTimeline.None);
    }

    /// <summary>Builds the summary from the running counters: cost grows with components × versions, not nodes.</summary>
    public FleetSummary BuildSummary(long revision, DateTimeOffset asOf)
    {
        var components = _counters
            .Where(c => c.Value.Total > 0)
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => c.Value.ToSummary(c.Key))
            .ToImmutableArray();
        return new FleetSummary(revision, asOf, components, MachineCount, new HealthSummary(_health[0], _health[1], _health[2], _health[3], _health[4]), NodeListRevision);
    }

    // ---- Shared with the rules (writer only) ----

    internal FleetOptions Options { get; }

    /// <summary>The numbered history details every node's activity shares.</summary>
    internal HistoryDetails Details { get; }

    internal ConcurrentDictionary<NodeKey, NodeSnapshot> NodeTable { get; }

    /// <summary>Kept by the writer: <see cref="ConcurrentDictionary{TKey, TValue}.Count"/> takes every lock of the table.</summary>
    internal int NodeCount { get; private set; }

    internal ConcurrentDictionary<string, MachineHost> Hosts { get; } = new(StringComparer.Ordinal);

    /// <summary>Kept by the writer: <see cref="ConcurrentDictionary{TKey, TValue}.Count"/> takes every lock of the table.</summary>
    internal int HostCount { get; set; }

    internal int MachineCount { get; set; }

    /// <summary>Publishes <paramref name="next"/> in place of <paramref name="old"/> (null for a new node), keeping the counts.</summary>
    internal void ReplaceNode(NodeSnapshot? old, NodeSnapshot next)
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
        NoteChange(old, next);
        NodeTable[next.Key] = next;
        if (old is null)
        {
            NodeCount++;
        }
    }

    /// <summary>Forgets <paramref name="node"/>, keeping the counts; false when it was not in the table.</summary>
    internal bool RemoveNode(NodeKey key, NodeSnapshot node)
    {
        if (!NodeTable.TryRemove(key, out _))
        {
            return false;
        }

        NodeCount--;
        Count(node, -1);
        NodeListRevision++;
        return true;
    }

    /// <summary>Records a nagios check that turned CRITICAL (it was not critical before, or is new).</summary>
    internal void NoteCheck(string identity, string machine, string watcher, WatcherSnapshot? before, WatcherSnapshot after)
    {
        if (after.Health == NagiosStatus.Critical && before?.Health != NagiosStatus.Critical)
        {
            Notable.Add(new NotableChange(_now, NotableChangeKind.CheckCritical, identity, null, CheckQuery.NameOf(machine, watcher), Excerpt(after.Output)));
        }
    }

    private void NoteChange(NodeSnapshot? old, NodeSnapshot next)
    {
        if (old is null)
        {
            // A node first heard of through its upgrade announcement.
            if (next.UpgradingTo is { } announced)
            {
                Notable.Add(new NotableChange(_now, NotableChangeKind.Upgraded, next.Identity, next.Component, null, $"{next.Version ?? VersionCount.Unknown} → {announced}"));
            }

            return;
        }

        if (old.State != next.State)
        {
            NotableChangeKind? kind = next.State switch
            {
                NodeState.Dead => NotableChangeKind.Died,
                NodeState.Stopped => NotableChangeKind.Stopped,
                NodeState.Live when old.State is NodeState.Dead or NodeState.Stopped => NotableChangeKind.CameBack,
                _ => null,
            };
            if (kind is { } k)
            {
                Notable.Add(new NotableChange(_now, k, next.Identity, next.Component, null, null));
            }
        }

        if (next.UpgradingTo is { } target && target != old.UpgradingTo)
        {
            Notable.Add(new NotableChange(_now, NotableChangeKind.Upgraded, next.Identity, next.Component, null, $"{next.Version ?? VersionCount.Unknown} → {target}"));
        }
        else if (old.Version is { } from && next.Version is { } to && from != to)
        {
            Notable.Add(new NotableChange(_now, NotableChangeKind.Upgraded, next.Identity, next.Component, null, $"{from} → {to}"));
        }
    }

    private static string? Excerpt(string? output) => output is null || output.Length <= 200 ? output : output[..200] + "…";

    /// <summary>Adds <paramref name="delta"/> to the health count of a nagios check's state; other watchers have none.</summary>
    internal void CountHealth(WatcherSnapshot watcher, int delta)
    {
        if (watcher.Health is { } health)
        {
            _health[(int)health] += delta;
        }
    }

    private void Count(NodeSnapshot node, int delta)
    {
        if (!_counters.TryGetValue(node.Component, out var counter))
        {
            counter = new ComponentCounter(Options.MaxVersionsPerComponent);
            _counters[node.Component] = counter;
        }

        counter.Add(node.State, node.Version ?? UnknownVersion, delta);
        if (counter.Total == 0)
        {
            _counters.Remove(node.Component);
        }
    }
}
