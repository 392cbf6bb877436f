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

namespace ChoriaDashboard.Components.Tests;

/// <summary>
/// A hand-fed fleet store: tests set nodes and push change batches as the real writer would. As a writer it only takes
/// broker reports (from a real <c>BrokerConnectionMonitor</c>); events are the real store's business.
/// </summary>
public sealed class FakeFleetStore : IFleetReader, IFleetWriter
{
    private readonly ConcurrentDictionary<NodeKey, NodeSnapshot> _nodes = new();
    private readonly List<FleetSubscription> _subscriptions = [];
    private long _revision;

    public FleetSummary Summary { get; private set; } = FleetSummary.Empty;

    public IReadOnlyDictionary<NodeKey, NodeSnapshot> Nodes => _nodes;

    public IReadOnlyDictionary<string, MachineHost> Machines => Hosts;

    /// <summary>The machines <see cref="Machines"/> reports, by identity; tests add hosts here.</summary>
    public ConcurrentDictionary<string, MachineHost> Hosts { get; } = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<(string Governor, string Event), long> GovernorCounts { get; } = new Dictionary<(string Governor, string Event), long>();

    /// <summary>Governor events as the real store keeps them; tests add to it.</summary>
    public List<GovernorHistoryEntry> GovernorEntries { get; } = [];

    public IReadOnlyList<GovernorHistoryEntry> GovernorHistory => GovernorEntries;

    /// <summary>A real feed: tests publish to it as the writer would.</summary>
    public EventFeed Feed { get; } = new(length: 50, subscriberBuffer: 100_000);

    /// <summary>A real raw store: tests capture into it as the ingest would.</summary>
    public RawEventStore Raw { get; } = new(1 << 20);

    public EventFeedSubscription SubscribeEvents() => Feed.Subscribe();

    public RawEventLookup FindRawEvent(long id) => Raw.Find(id);

    public RawEventLookup FindRawEvent(string identity, DateTimeOffset receivedAt) => Raw.Find(identity, receivedAt);

    /// <summary>Publishes one accepted event to live tails, captured raw as <paramref name="body"/> (none when null); returns its raw id.</summary>
    public long Tail(ChoriaEvent evt, DateTimeOffset receivedAt, string? body = null, string subject = "choria.test")
    {
        var rawId = body is null ? 0 : Raw.Capture(subject, evt.Identity, evt.Format, receivedAt, null, System.Text.Encoding.UTF8.GetBytes(body));
        Feed.Publish(receivedAt, evt, subject, rawId);
        return rawId;
    }

    /// <summary>Sets a machine (with its watchers) on <paramref name="identity"/> and publishes a change batch naming the host.</summary>
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
        var changes = new FleetChanges(Summary.Revision, [], [], [host], Summary);
        foreach (var subscription in _subscriptions)
        {
            subscription.Offer(changes);
        }

        return host;
    }

    /// <summary>The nagios health the next <see cref="Publish"/> reports (the fake keeps no checks of its own).</summary>
    public HealthSummary Health { get; set; } = HealthSummary.Empty;

    public BrokerStatus Broker { get; private set; } = new(BrokerState.Connecting, DateTimeOffset.UnixEpoch, null, 0, 0, null);

    public event Action<BrokerStatus>? BrokerChanged;

    public ViewCurrency Currency { get; private set; } = ViewCurrency.Current;

    public event Action<ViewCurrency>? CurrencyChanged;

    /// <summary>Sets the view's currency and tells readers, as the real store does when the ingest reports.</summary>
    public void ReportCurrency(ViewCurrency currency)
    {
        Currency = currency;
        CurrencyChanged?.Invoke(currency);
    }

    /// <summary>
    /// Two reports from different threads whose notifications arrive in the opposite order: <paramref name="older"/>
    /// is set first and <paramref name="newer"/> second, but the notification for <paramref name="older"/> lands last.
    /// </summary>
    public void ReportCurrencyRace(ViewCurrency older, ViewCurrency newer)
    {
        Currency = older;
        Currency = newer;
        CurrencyChanged?.Invoke(newer);
        CurrencyChanged?.Invoke(older);
    }

    public IIngestCounts Ingest { get; } = new IngestCounters(NullLogger<IngestCounters>.Instance, TimeProvider.System, 0, TimeSpan.FromMinutes(1));

    public int QueueLength => 0;

    // ---- Over time: set by tests ----

    public List<FleetSample> SeriesSamples { get; } = [];

    public IReadOnlyList<FleetSample> Series => SeriesSamples;

    public List<NotableChange> Notable { get; } = [];

    public IReadOnlyList<NotableChange> NotableChanges => Notable;

    public DateTimeOffset? LatestEventAt { get; set; }

    /// <summary>Accepted events the status bar reads (the fake's ingest counters).</summary>
    public void Accept(int count) => ((IngestCounters)Ingest).AddAccepted(count);

    public void ReportBroker(BrokerStatus status)
    {
        Broker = status;
        BrokerChanged?.Invoke(status);
    }

    public ValueTask EnqueueAsync(IngestBatch batch, CancellationToken cancellationToken) => throw new NotSupportedException("the fake store is fed with Publish");

    public ValueTask EnqueueAsync(ChoriaEvent evt, string subject, DateTimeOffset receivedAt, CancellationToken cancellationToken) => throw new NotSupportedException("the fake store is fed with Publish");

    /// <summary>Subscriptions handed out and not yet disposed.</summary>
    public int Subscribers => _subscriptions.Count(s => !s.IsDisposed);

    public FleetSubscription Subscribe()
    {
        var subscription = FleetSubscription.CreateDetached(Summary);
        _subscriptions.Add(subscription);
        return subscription;
    }

    /// <summary>Replaces the fleet and publishes one change batch with the summary computed from it.</summary>
    public void Publish(params NodeSnapshot[] nodes)
    {
        foreach (var node in nodes)
        {
            _nodes[node.Key] = node;
        }

        Summary = Summarise();
        var changes = new FleetChanges(Summary.Revision, nodes, [], [], Summary);
        foreach (var subscription in _subscriptions)
        {
            subscription.Offer(changes);
        }
    }

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
        return new FleetSummary(_revision, DateTimeOffset.UnixEpoch, components, 0, Health, NodeListRevision: _revision);
    }
}
