using System.Collections.Concurrent;
using System.Collections.Immutable;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using ChoriaDashboard.Fleet.Raw;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Fleet.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChoriaDashboard.TestKit;

/// <summary>
/// The one hand-fed fleet for tests of readers: tests set nodes, machines, news and status, and each change goes out
/// through a real <see cref="Broadcast{T}"/> as the real writer would send it. As a writer it only takes broker and
/// replay reports (from a real <c>BrokerConnectionMonitor</c>); events are the real store's business.
/// </summary>
public sealed class FakeFleetStore : IFleetView, IFleetStatus, INodeHistory, IEventTail, IFleetWriter
{
    private static readonly object WithEvents = true;

    private readonly ConcurrentDictionary<NodeKey, NodeSnapshot> _nodes = new();
    private readonly Broadcast<FleetUpdate> _stream;
    private long _revision;

    public FakeFleetStore() => _stream = new Broadcast<FleetUpdate>((tag, resynchronised) => new FleetUpdate
    {
        Summary = Summary,
        Broker = Broker,
        IsSnapshot = true,
        Resynchronised = resynchronised,
        Events = ReferenceEquals(tag, WithEvents) ? Feed.Recent() : [],
    });

    // ---- IFleetView ----

    public FleetSummary Summary { get; private set; } = FleetSummary.Empty;

    public IReadOnlyDictionary<NodeKey, NodeSnapshot> Nodes => _nodes;

    public IReadOnlyDictionary<string, MachineHost> Machines => Hosts;

    /// <summary>The machines <see cref="Machines"/> reports, by identity; tests add hosts here.</summary>
    public ConcurrentDictionary<string, MachineHost> Hosts { get; } = new(StringComparer.Ordinal);

    /// <summary>The samples <see cref="Series"/> reports; tests add to it.</summary>
    public List<FleetSample> SeriesSamples { get; } = [];

    public IReadOnlyList<FleetSample> Series => SeriesSamples;

    /// <summary>The news <see cref="RecentNews"/> reports (newest first); tests add to it.</summary>
    public List<FleetNews> Notable { get; } = [];

    public IReadOnlyList<FleetNews> RecentNews => Notable;

    public BroadcastSubscription<FleetUpdate> Subscribe(bool withEvents = false) => withEvents
        ? _stream.Subscribe(1024, WithEvents, u => u.Events.Count, EventBuffer)
        : _stream.Subscribe(1024);

    /// <summary>Accepted events buffered per live tail, as <c>Fleet:EventFeedSubscriberBuffer</c> sets it for the real store.</summary>
    public int EventBuffer { get; set; } = 4096;

    /// <summary>Subscriptions handed out and not yet disposed.</summary>
    public int Subscribers => _stream.Count;

    // ---- IFleetStatus ----

    public BrokerStatus Broker { get; private set; } = new(BrokerState.Connecting, DateTimeOffset.UnixEpoch, null, 0, 0, null);

    public ViewCurrency Currency => Summary.Currency;

    public IIngestCounts Ingest { get; } = new IngestCounters(NullLogger<IngestCounters>.Instance, TimeProvider.System, 0, TimeSpan.FromMinutes(1));

    public int QueueLength => 0;

    public DateTimeOffset? LatestEventAt { get; set; }

    public int FleetSubscriptions => _stream.Count;

    public long FleetSubscriptionLags => _stream.Lags;

    /// <summary>Accepted events the status bar reads (the fake's ingest counters).</summary>
    public void Accept(int count) => ((IngestCounters)Ingest).AddAccepted(count);

    // ---- INodeHistory and IEventTail ----

    public IReadOnlyDictionary<(string Governor, string Event), long> GovernorCounts { get; } = new Dictionary<(string Governor, string Event), long>();

    /// <summary>Governor events as the real store keeps them; tests add to it.</summary>
    public List<GovernorHistoryEntry> GovernorEntries { get; } = [];

    public IReadOnlyList<GovernorHistoryEntry> GovernorHistory => GovernorEntries;

    /// <summary>A real ring of recent events: <see cref="Tail"/> publishes to it as the writer would.</summary>
    public EventFeed Feed { get; } = new(length: 50);

    /// <summary>A real raw store: tests capture into it as the ingest would.</summary>
    public RawEventStore Raw { get; } = new(1 << 20);

    public IReadOnlyList<TailEvent> RecentEvents() => Feed.Recent();

    public RawEventLookup FindRawEvent(long id) => Raw.Find(id);

    public RawEventLookup FindRawEvent(string identity, DateTimeOffset receivedAt) => Raw.Find(identity, receivedAt);

    // ---- Feeding it ----

    /// <summary>The nagios health the next update reports (the fake keeps no checks of its own).</summary>
    public HealthSummary Health { get; set; } = HealthSummary.Empty;

    /// <summary>Publishes one accepted event to live tails, captured raw as <paramref name="body"/> (none when null); returns its raw id.</summary>
    public long Tail(ChoriaEvent evt, DateTimeOffset receivedAt, string? body = null, string subject = "choria.test")
    {
        var rawId = body is null ? 0 : Raw.Capture(subject, evt.Identity, evt.Format, receivedAt, null, System.Text.Encoding.UTF8.GetBytes(body));
        var entry = Feed.Publish(receivedAt, evt, subject, rawId);
        Send(new FleetUpdate { Summary = Summary, Broker = Broker, Events = [entry] });
        return rawId;
    }

    /// <summary>Publishes accepted events to live tails in one update, as one writer batch carries them (none captured raw).</summary>
    public void Tail(IEnumerable<ChoriaEvent> events, DateTimeOffset receivedAt, string subject = "choria.test") =>
        Send(new FleetUpdate { Summary = Summary, Broker = Broker, Events = [.. events.Select(e => Feed.Publish(receivedAt, e, subject, 0))] });

    /// <summary>Replaces the given nodes and publishes one update with the summary computed from the fleet.</summary>
    public void Publish(params NodeSnapshot[] nodes) => Publish(nodes, []);

    /// <summary>Replaces the given nodes and publishes one update with them and the news they made, as the writer does.</summary>
    public void Publish(NodeSnapshot[] nodes, FleetNews[] news)
    {
        foreach (var node in nodes)
        {
            _nodes[node.Key] = node;
        }

        Summary = Summarise();
        Send(new FleetUpdate { Summary = Summary, Broker = Broker, ChangedNodes = nodes, News = news });
    }

    /// <summary>Sets a machine (with its watchers) on <paramref name="identity"/> and publishes an update naming the host.</summary>
    public MachineHost PublishMachine(string identity, string machine, MachineSnapshot latest, params (string Name, string Type, WatcherSnapshot State)[] watchers)
    {
        var host = Hosts.GetOrAdd(identity, id => new MachineHost(id));
        var entry = new MachineEntry(machine, latest, latest.LastTransitionAt ?? DateTimeOffset.UnixEpoch);
        var map = SmallDictionary<WatcherEntry>.Empty;
        foreach (var (name, type, state) in watchers)
        {
            map = map.SetItem(name, new WatcherEntry(name, type, state));
        }

        entry.SetWatchers(map);
        host.SetMachines(host.MachineMap.SetItem(machine, entry));
        Summary = Summarise();
        Send(new FleetUpdate { Summary = Summary, Broker = Broker, ChangedMachines = [host] });
        return host;
    }

    /// <summary>Sets the view's currency and tells readers, as the real store does when the ingest reports.</summary>
    public void ReportCurrency(ViewCurrency currency)
    {
        Summary = Summary with { Currency = currency };
        Send(new FleetUpdate { Summary = Summary, Broker = Broker, StatusChanged = true });
    }

    /// <summary>Sets the new nodes turned away at <c>Fleet:MaxNodes</c> and tells readers, as the real store does after a batch.</summary>
    public void ReportTurnedAway(TurnedAway? turnedAway)
    {
        Summary = Summary with { TurnedAway = turnedAway };
        Send(new FleetUpdate { Summary = Summary, Broker = Broker, StatusChanged = true });
    }

    public void ReportBroker(BrokerStatus status)
    {
        Broker = status;
        Send(new FleetUpdate { Summary = Summary, Broker = Broker, StatusChanged = true });
    }

    public void ReportReplay(ReplayStatus status)
    {
    }

    public ValueTask EnqueueAsync(IngestBatch batch, CancellationToken cancellationToken) => throw new NotSupportedException("the fake store is fed with Publish");

    public ValueTask EnqueueAsync(ChoriaEvent evt, string subject, DateTimeOffset receivedAt, CancellationToken cancellationToken) => throw new NotSupportedException("the fake store is fed with Publish");

    private void Send(FleetUpdate update) => _stream.Publish(update);

    private FleetSummary Summarise()
    {
        var components = _nodes.Values
            .GroupBy(n => n.Component)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ComponentSummary(
                g.Key,
                g.Count(n => n.State == NodeState.Live),
                g.Count(n => n.State == NodeState.Stale),
                g.Count(n => n.State == NodeState.Dead),
                g.Count(n => n.State == NodeState.Stopped),
                [.. g.GroupBy(n => n.Version ?? "unknown")
                    .Select(v => new VersionCount(v.Key, v.Count(), v.Count(n => n.State is NodeState.Live or NodeState.Stale)))
                    .OrderByDescending(v => v.Version, VersionComparer.Instance)]))
            .ToImmutableArray();
        ++_revision;
        return new FleetSummary(_revision, DateTimeOffset.UnixEpoch, components, 0, Health, NodeListRevision: _revision) { Currency = Summary.Currency, TurnedAway = Summary.TurnedAway };
    }
}
