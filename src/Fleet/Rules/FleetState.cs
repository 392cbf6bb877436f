using System.Collections.Concurrent;
using System.Collections.Immutable;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Fleet;

/// <summary>What applying one event did.</summary>
public enum ApplyOutcome
{
    Accepted,

    /// <summary>A new node or machine host was turned away because <c>Fleet:MaxNodes</c> is reached.</summary>
    FleetFull,

    /// <summary>Understood but not part of the node view (e.g. governor events are only counted).</summary>
    CountedOnly,

    /// <summary>A new machine or watcher was turned away: <c>Fleet:MaxMachinesPerNode</c> or <c>MaxWatchersPerMachine</c> is reached.</summary>
    MachineLimit,
}

/// <summary>
/// The fleet's data and the rules that change it. Owned by one writer (the <see cref="FleetStore"/> loop): only it
/// calls the mutating methods. Readers may read <see cref="Nodes"/> and <see cref="Machines"/> concurrently; every
/// value there is an immutable snapshot that is replaced, never changed, except a node's <see cref="NodeActivity"/>
/// (last seen and recent events), which is safe to read while the writer moves it forward.
/// </summary>
public sealed class FleetState
{
    private const string UnknownVersion = "unknown";

    /// <summary>The component a Choria server announces in provisioning mode, and the one it runs as once provisioned.</summary>
    private const string ProvisioningComponent = ChoriaComponents.ProvisionModeServer;
    private const string ServerComponent = ChoriaComponents.Server;

    private readonly FleetOptions _options;
    private readonly LivenessPolicy _policy;
    private readonly NodeTable _nodes;
    private readonly ConcurrentDictionary<string, MachineHost> _machines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ComponentCounter> _counters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Governor, string Event), long> _governor = new();
    private readonly int[] _health = new int[4];
    private readonly HistoryDetails _details;
    private int _machineCount;

    // Kept by the writer: ConcurrentDictionary.Count takes every lock of the table, on each new host of a storm.
    private int _hostCount;

    public FleetState(FleetOptions options)
    {
        _options = options;
        _policy = new LivenessPolicy(options);
        _details = new HistoryDetails(options.InternCacheSize);

        // A whole fleet starting at once should not rehash the table several times on the way up.
        _nodes = new NodeTable(Math.Min(options.MaxNodes, InitialNodeCapacity));
    }

    /// <summary>Node-components the table is sized for at start (it grows beyond when needed): 8 B a slot.</summary>
    private const int InitialNodeCapacity = 1 << 17;

    public IReadOnlyDictionary<NodeKey, NodeSnapshot> Nodes => _nodes;

    public IReadOnlyDictionary<string, MachineHost> Machines => _machines;

    public LivenessPolicy Policy => _policy;

    /// <summary>Counts of governor events by governor and event type, as tally counts them; safe to read concurrently.</summary>
    public IReadOnlyDictionary<(string Governor, string Event), long> GovernorCounts => _governor;

    /// <summary>Applies one event received at <paramref name="receivedAt"/>, recording what changed.</summary>
    public ApplyOutcome Apply(ChoriaEvent evt, DateTimeOffset receivedAt, FleetChangeSet changes) => evt switch
    {
        GovernorEvent g => CountGovernor(g),
        LifecycleEvent l => ApplyLifecycle(l, receivedAt, changes),
        MachineTransitionEvent t => ApplyMachine(t, receivedAt, changes),
        WatcherStateEvent w => ApplyMachine(w, receivedAt, changes),
        _ => ApplyOutcome.CountedOnly,
    };

    private ApplyOutcome CountGovernor(GovernorEvent g)
    {
        if (_governor.Count < _options.InternCacheSize || _governor.ContainsKey((g.Governor, g.EventTypeName)))
        {
            var key = (Intern(g.Governor), Intern(g.EventTypeName));
            _governor[key] = _governor.GetValueOrDefault(key) + 1;
        }

        return ApplyOutcome.CountedOnly;
    }

    private ApplyOutcome ApplyLifecycle(LifecycleEvent evt, DateTimeOffset receivedAt, FleetChangeSet changes)
    {
        var key = new NodeKey(evt.Identity, Intern(evt.Component));
        var exists = _nodes.TryGetValue(key, out var old);
        if (!exists && _nodes.Count >= _options.MaxNodes)
        {
            return ApplyOutcome.FleetFull;
        }

        // The commonest event by far: an alive from a node already live on that version. It changes only the node's
        // live activity, which is updated in place: no new snapshot, nothing for the GC to promote (see NodeActivity).
        if (old is { State: NodeState.Live } && evt is AliveEvent alive
            && old.Version is { } running && running == alive.Version && old.UpgradingTo != running)
        {
            old.Activity.Record(receivedAt, new NodeHistoryEntry(receivedAt, evt.Type, evt.Format, running), _options.HistoryLength);
            changes.Upsert(old);
            if (key.Component == ServerComponent)
            {
                ForgetFinishedProvisioning(key.Identity, changes);
            }

            return ApplyOutcome.Accepted;
        }

        var current = old ?? new NodeSnapshot
        {
            Key = key,
            State = NodeState.Live,
            FirstSeen = receivedAt,
            Activity = new NodeActivity(receivedAt, evt.Type, _details),
        };

        // Work out every field first and build the new snapshot once: it lives until the node's next change, and at
        // 100,000 nodes every extra copy is more for the GC to promote.
        var state = current.State;
        var version = current.Version;
        var previousVersion = current.PreviousVersion;
        var upgradingTo = current.UpgradingTo;
        var lastStartup = current.LastStartup;
        string? detail = null;
        switch (evt)
        {
            case StartupEvent s:
                detail = Intern(s.Version);
                Running(detail);
                lastStartup = receivedAt;
                upgradingTo = null;
                break;
            case AliveEvent a:
                detail = Intern(a.Version);
                Running(detail);
                break;
            case ShutdownEvent:
                state = NodeState.Stopped;
                break;
            case ProvisionedEvent:
                state = NodeState.Live;
                break;
            case UpgradedEvent u:
                // The version shown changes only when the node is seen running the new one.
                state = NodeState.Live;
                version ??= Intern(u.Version);
                upgradingTo = Intern(u.NewVersion);
                detail = Intern($"{u.Version} → {u.NewVersion}");
                break;
        }

        void Running(string running)
        {
            state = NodeState.Live;
            if (version is not null && version != running)
            {
                previousVersion = version;
            }

            upgradingTo = upgradingTo == running ? null : upgradingTo;
            version = running;
        }

        // The activity is shared with the node's earlier snapshots: record first, then publish the new snapshot.
        current.Activity.Record(receivedAt, new NodeHistoryEntry(receivedAt, evt.Type, evt.Format, detail), _options.HistoryLength);
        var next = current with
        {
            State = state,
            Version = version,
            PreviousVersion = previousVersion,
            UpgradingTo = upgradingTo,
            LastStartup = lastStartup,
        };

        Replace(old, next);
        changes.Upsert(next);

        if (evt is StartupEvent or AliveEvent && key.Component == ServerComponent)
        {
            ForgetFinishedProvisioning(key.Identity, changes);
        }

        return ApplyOutcome.Accepted;
    }

    /// <summary>
    /// Provisioning ends with a shutdown of <c>provision_mode_server</c> and a startup as <c>server</c>. Once the node
    /// runs as a server, its stopped provisioning entry says nothing more and would count as a stopped node for a day,
    /// so it goes, as Choria's tally deletes a host on shutdown.
    /// </summary>
    private void ForgetFinishedProvisioning(string identity, FleetChangeSet changes)
    {
        var key = new NodeKey(identity, ProvisioningComponent);
        if (_nodes.TryGetValue(key, out var provisioning) && provisioning.State == NodeState.Stopped && _nodes.Remove(key))
        {
            Count(provisioning, -1);
            NodeListRevision++;
            changes.Remove(key);
        }
    }


    private ApplyOutcome ApplyMachine(MachineEvent evt, DateTimeOffset receivedAt, FleetChangeSet changes)
    {
        // Every limit is checked before anything is created, so a rejected event leaves no trace.
        if (!_machines.TryGetValue(evt.Identity, out var host) && _hostCount >= _options.MaxNodes)
        {
            return ApplyOutcome.FleetFull;
        }

        // A new host or machine has none yet: count 0, so a limit of 0 still turns the first one away.
        MachineEntry? machine = null;
        if (host?.Machines.TryGetValue(evt.Machine, out machine) != true && (host?.Machines.Count ?? 0) >= _options.MaxMachinesPerNode)
        {
            return ApplyOutcome.MachineLimit;
        }

        WatcherEntry? watcher = null;
        var w = evt as WatcherStateEvent;
        if (w is not null && machine?.Watchers.TryGetValue(w.Name, out watcher) != true && (machine?.Watchers.Count ?? 0) >= _options.MaxWatchersPerMachine)
        {
            return ApplyOutcome.MachineLimit;
        }

        if (host is null)
        {
            // The node's server entry usually holds the same identity already: share that string.
            var identity = _nodes.TryGetValue(new NodeKey(evt.Identity, ServerComponent), out var node) ? node.Identity : evt.Identity;
            host = new MachineHost(identity);
            _machines[host.Identity] = host;
            _hostCount++;
        }

        var latest = machine?.Latest ?? MachineSnapshot.Unknown;
        var next = NextMachineSnapshot(latest, evt, receivedAt);
        if (machine is null)
        {
            machine = new MachineEntry(Intern(evt.Machine), next, receivedAt);
            host.SetMachines(host.Machines.SetItem(machine.Machine, machine));
            _machineCount++;
        }
        else
        {
            machine.Seen(receivedAt);
            if (!ReferenceEquals(next, latest))
            {
                machine.SetLatest(next);
            }
        }

        if (w is not null)
        {
            var state = WatcherSnapshot.From(w, receivedAt);
            if (watcher is null)
            {
                watcher = new WatcherEntry(Intern(w.Name), Intern(w.WatcherType), state);
                machine.SetWatchers(machine.Watchers.SetItem(watcher.Name, watcher));
            }
            else
            {
                Uncount(watcher.Latest);
                watcher.SetLatest(state);
            }

            if (state.Health is { } health)
            {
                _health[(int)health]++;
            }
        }

        changes.Upsert(host);
        return ApplyOutcome.Accepted;
    }

    /// <summary>The machine's new snapshot, or <paramref name="latest"/> itself when the event changes none of it.</summary>
    private MachineSnapshot NextMachineSnapshot(MachineSnapshot latest, MachineEvent evt, DateTimeOffset receivedAt)
    {
        if (evt is MachineTransitionEvent t)
        {
            return new MachineSnapshot
            {
                Version = Intern(evt.MachineVersion),
                InstanceId = Same(latest.InstanceId, evt.Id),
                State = Intern(t.ToState),
                LastTransition = Intern(t.Transition),
                LastTransitionAt = receivedAt,
            };
        }

        return latest.Version == evt.MachineVersion && latest.InstanceId == evt.Id
            ? latest
            : latest with { Version = Intern(evt.MachineVersion), InstanceId = evt.Id };

        static string Same(string? known, string value) => known == value ? known : value;
    }

    /// <summary>Moves silent nodes to stale or dead, and forgets those silent past <c>ForgetAfter</c>.</summary>
    public void Sweep(DateTimeOffset now, FleetChangeSet changes)
    {
        foreach (var (key, node) in _nodes)
        {
            if (node.State is NodeState.Dead or NodeState.Stopped && _policy.ShouldForget(node, now))
            {
                if (_nodes.Remove(key))
                {
                    Count(node, -1);
                    NodeListRevision++;
                    changes.Remove(key);
                }

                continue;
            }

            var state = _policy.Evaluate(node, now);
            if (state != node.State)
            {
                var next = node with { State = state };
                Replace(node, next);
                changes.Upsert(next);
            }
        }

        foreach (var (identity, host) in _machines)
        {
            SweepMachines(identity, host, now, changes);
        }
    }

    /// <summary>Forgets machines and watchers silent past <c>ForgetAfter</c>, one by one, so renamed checks do not pile up.</summary>
    private void SweepMachines(string identity, MachineHost host, DateTimeOffset now, FleetChangeSet changes)
    {
        var before = host.Machines;
        var machines = before;
        foreach (var machine in before.Values)
        {
            if (_policy.ShouldForget(machine.LastSeen, now))
            {
                machines = machines.Remove(machine.Machine);
                _machineCount--;
                foreach (var watcher in machine.Watchers.Values)
                {
                    Uncount(watcher.Latest);
                }

                continue;
            }

            var watchers = machine.Watchers;
            foreach (var watcher in machine.Watchers.Values)
            {
                if (_policy.ShouldForget(watcher.ReceivedAt, now))
                {
                    watchers = watchers.Remove(watcher.Name);
                    Uncount(watcher.Latest);
                }
            }

            if (watchers != machine.Watchers)
            {
                machine.SetWatchers(watchers);
                changes.Upsert(host);
            }
        }

        if (machines == before)
        {
            return;
        }

        host.SetMachines(machines);
        if (machines.IsEmpty && _machines.TryRemove(identity, out _))
        {
            _hostCount--;
        }

        changes.Upsert(host);
    }

    private void Uncount(WatcherSnapshot watcher)
    {
        if (watcher.Health is { } health)
        {
            _health[(int)health]--;
        }
    }

    /// <summary>Builds the summary from the running counters: cost grows with components × versions, not nodes.</summary>
    public FleetSummary BuildSummary(long revision, DateTimeOffset asOf)
    {
        var components = _counters
            .Where(c => c.Value.Total > 0)
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => c.Value.ToSummary(c.Key))
            .ToImmutableArray();
        return new FleetSummary(revision, asOf, components, _machineCount, new HealthSummary(_health[0], _health[1], _health[2], _health[3]), NodeListRevision);
    }

    /// <summary>See <see cref="FleetSummary.NodeListRevision"/>.</summary>
    public long NodeListRevision { get; private set; }

    private void Replace(NodeSnapshot? old, NodeSnapshot next)
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
        _nodes.Set(next);
    }

    private void Count(NodeSnapshot node, int delta)
    {
        if (!_counters.TryGetValue(node.Component, out var counter))
        {
            counter = new ComponentCounter();
            _counters[node.Component] = counter;
        }

        counter.Add(node.State, node.Version ?? UnknownVersion, delta);
        if (counter.Total == 0)
        {
            _counters.Remove(node.Component);
        }
    }

    private string Intern(string value)
    {
        if (_strings.TryGetValue(value, out var interned))
        {
            return interned;
        }

        if (_strings.Count < _options.InternCacheSize)
        {
            _strings[value] = value;
        }

        return value;
    }

    /// <summary>Running counts of one component, kept by the writer so summaries never walk the node table.</summary>
    private sealed class ComponentCounter
    {
        private readonly int[] _states = new int[4];
        private readonly Dictionary<string, (int Nodes, int Active)> _versions = new(StringComparer.Ordinal);

        public int Total => _states[0] + _states[1] + _states[2] + _states[3];

        public void Add(NodeState state, string version, int delta)
        {
            _states[(int)state] += delta;
            var (nodes, active) = _versions.GetValueOrDefault(version);
            nodes += delta;
            if (state is NodeState.Live or NodeState.Stale)
            {
                active += delta;
            }

            if (nodes == 0)
            {
                _versions.Remove(version);
            }
            else
            {
                _versions[version] = (nodes, active);
            }
        }

        public ComponentSummary ToSummary(string component) => new(
            component,
            _states[(int)NodeState.Live],
            _states[(int)NodeState.Stale],
            _states[(int)NodeState.Dead],
            _states[(int)NodeState.Stopped],
            _versions
                .OrderByDescending(v => v.Value.Active)
                .ThenByDescending(v => v.Value.Nodes)
                .ThenBy(v => v.Key, StringComparer.Ordinal)
                .Select(v => new VersionCount(v.Key, v.Value.Nodes, v.Value.Active))
                .ToImmutableArray());
    }
}

/// <summary>Collects what a batch changed, last write wins, so a node changed twice in a batch is sent once.</summary>
public sealed class FleetChangeSet
{
    private readonly Dictionary<NodeKey, NodeSnapshot> _upserts = [];
    private readonly HashSet<NodeKey> _removals = [];
    private readonly Dictionary<string, MachineHost> _machines = new(StringComparer.Ordinal);

    public bool IsEmpty => _upserts.Count == 0 && _removals.Count == 0 && _machines.Count == 0;

    public void Upsert(NodeSnapshot node)
    {
        _removals.Remove(node.Key);
        _upserts[node.Key] = node;
    }

    public void Remove(NodeKey key)
    {
        _upserts.Remove(key);
        _removals.Add(key);
    }

    public void Upsert(MachineHost host) => _machines[host.Identity] = host;

    public FleetChanges ToChanges(FleetSummary summary) =>
        new(summary.Revision, [.. _upserts.Values], [.. _removals], [.. _machines.Values], summary);

    public void Clear()
    {
        _upserts.Clear();
        _removals.Clear();
        _machines.Clear();
    }
}
