using System.Diagnostics;
using System.Threading.Channels;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Raw;
using ChoriaDashboard.Fleet.Rules;
using ChoriaDashboard.Fleet.Status;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Fleet.Store;

/// <summary>
/// The singleton fleet store. One loop (<c>FleetStore.Loop.cs</c>) owns <see cref="FleetState"/> and applies queued
/// events in batches; after each batch it publishes one <see cref="FleetUpdate"/> to the fleet's one stream without
/// ever waiting for a reader. Readers see it through <see cref="IFleetView"/>, <see cref="IFleetStatus"/>,
/// <see cref="INodeHistory"/> and <see cref="IEventTail"/>; the ingest through <see cref="IFleetWriter"/>.
/// </summary>
public sealed partial class FleetStore : BackgroundService, IFleetView, IFleetStatus, INodeHistory, IEventTail, IFleetWriter
{
    private static readonly object WithEvents = true;

    private readonly Channel<IngestBatch> _queue;
    private readonly FleetState _state;
    private readonly FleetOptions _options;
    private readonly IngestCounters _counters;
    private readonly TimeProvider _time;
    private readonly LivenessClock _clock;
    private readonly ILogger<FleetStore> _logger;
    private readonly EventFeed _feed;
    private readonly RawEventStore _raw;
    private readonly FleetSeries _series;
    private readonly CurrencyTracker _currency;
    private readonly Broadcast<FleetUpdate> _stream;
    private readonly TurnedAwayTracker _turnedAway;
    private readonly IFleetObserver? _observer;
    private int _statusChanged;
    private FleetSummary _summary = FleetSummary.Empty;
    private BrokerStatus _broker;
    private int _queued;
    private long _latestEventTicks;
    private long _liveSinceTicks;
    private long _enqueuedTotal;
    private long _takenTotal;
    private PendingReplayEnd? _replayEnd;
    private long _lastBatchTicks;

    /// <param name="queueCapacity">Events queued between the ingest and the writer (<c>Ingest:QueueCapacity</c>).</param>
    /// <param name="raw">Where the ingest keeps accepted messages as received; none kept when null.</param>
    /// <param name="observer">Told of every live event applied and every node judged dead (metrics); none when null.</param>
    public FleetStore(IOptions<FleetOptions> options, IngestCounters counters, TimeProvider time, ILogger<FleetStore> logger, int queueCapacity, RawEventStore? raw = null, IFleetObserver? observer = null)
    {
        _observer = observer;
        _options = options.Value;
        _feed = new EventFeed(_options.EventFeedLength);
        _raw = raw ?? RawEventStore.None;
        _state = new FleetState(_options);
        _series = new FleetSeries(_options.SeriesInterval, _options.SeriesLength);
        _counters = counters;
        _time = time;
        _logger = logger;
        _broker = new BrokerStatus(BrokerState.Connecting, time.GetUtcNow(), null, 0, 0, null);
        // The capacity is in events; full batches hold MaxCount each.
        _queue = Channel.CreateBounded<IngestBatch>(new BoundedChannelOptions(Math.Max(2, queueCapacity / IngestBatch.MaxCount))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _clock = new LivenessClock(time);
        _lastSweep = _lastWake = _clock.Now;
        _currency = new CurrencyTracker(_broker, _options.MaxOutages, _options.StaleAfter, time.GetUtcNow(), _clock);
        _turnedAway = new TurnedAwayTracker(_options.MaxNodes, _options.TurnedAwayNodesCounted, _options.StaleAfter, logger);
        _summary = FleetSummary.Empty with { Currency = _currency.Current };
        _stream = new Broadcast<FleetUpdate>(Snapshot);
    }

    // ---- IFleetView ----

    public FleetSummary Summary => Volatile.Read(ref _summary);

    public IReadOnlyDictionary<NodeKey, NodeSnapshot> Nodes => _state.Nodes;

    public IReadOnlyDictionary<string, MachineHost> Machines => _state.Machines;

    public IReadOnlyList<FleetSample> Series => _series.Samples;

    public IReadOnlyList<FleetNews> RecentNews => _state.Notable.Recent;

    public BroadcastSubscription<FleetUpdate> Subscribe(bool withEvents = false) => withEvents
        ? _stream.Subscribe(_options.SubscriberBufferSize, WithEvents, u => u.Events.Count, _options.EventFeedSubscriberBuffer)
        : _stream.Subscribe(_options.SubscriberBufferSize);

    // ---- For a driver on a manual clock (the simulated day, scripts/bench.sh day): read-only ----

    /// <summary>
    /// The wall-clock time of the writer's latest finished batch (taken after it took its events, before it swept);
    /// <see cref="DateTimeOffset.MinValue"/> before the first. A driver that advances a manual clock waits for this to
    /// reach the new time to know the writer has swept at it.
    /// </summary>
    internal DateTimeOffset LastBatchAt => new(Interlocked.Read(ref _lastBatchTicks), TimeSpan.Zero);

    /// <summary>The writer's state, for reading its sizes (nodes, hosts, watchers, history details); never to change it.</summary>
    internal FleetState State => _state;

    /// <summary>The event tail's ring: events kept for a tail that opens, at most <c>Fleet:EventFeedLength</c>.</summary>
    internal int RecentEventCount => (int)Math.Min(_feed.Published, _options.EventFeedLength);

    // ---- IFleetStatus ----

    public int FleetSubscriptions => _stream.Count;

    public long FleetSubscriptionLags => _stream.Lags;

    public BrokerStatus Broker => Volatile.Read(ref _broker);

    public ViewCurrency Currency => _currency.Current;

    public IIngestCounts Ingest => _counters;

    public int QueueLength => Volatile.Read(ref _queued);

    public DateTimeOffset? LatestEventAt => Interlocked.Read(ref _latestEventTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    // ---- INodeHistory and IEventTail ----

    public IReadOnlyDictionary<(string Governor, string Event), long> GovernorCounts => _state.GovernorCounts;

    public IReadOnlyList<GovernorHistoryEntry> GovernorHistory => _state.GovernorHistory;

    public RawEventLookup FindRawEvent(string identity, DateTimeOffset receivedAt) => _raw.Find(identity, receivedAt);

    public IReadOnlyList<TailEvent> RecentEvents() => _feed.Recent();

    public RawEventLookup FindRawEvent(long id) => _raw.Find(id);

    // ---- IFleetWriter ----

    public void ReportBroker(BrokerStatus status)
    {
        if (Interlocked.Exchange(ref _broker, status) != status)
        {
            _currency.Broker(status, _time.GetUtcNow());
            StatusMoved();
        }
    }

    public void ReportReplay(ReplayStatus status)
    {
        if (status.Ended)
        {
            // Takes effect once the writer has taken every event queued so far, i.e. every event the replay queued before
            // it ended: a sweep in between would judge half a history (the queue holds up to Ingest:QueueCapacity).
            Volatile.Write(ref _replayEnd, new PendingReplayEnd(status, Interlocked.Read(ref _enqueuedTotal), Stopwatch.GetTimestamp()));
            _queue.Writer.TryWrite(IngestBatch.Wake);
            return;
        }

        if (_currency.Replay(status, _time.GetUtcNow()))
        {
            StatusMoved();
        }
    }

    /// <summary>On the writer, once it has taken events up to <see cref="PendingReplayEnd.QueuedBefore"/>: the replay's end takes effect.</summary>
    private void EndReplayWhenApplied(long taken)
    {
        _takenTotal += taken;
        if (Volatile.Read(ref _replayEnd) is not { } end || _takenTotal < end.QueuedBefore || Interlocked.CompareExchange(ref _replayEnd, null, end) != end)
        {
            return;
        }

        _logger.LogDebug("The replay's end took effect {Lag} ms after it was reported, once the writer had taken the {Queued} events queued before it", (long)Stopwatch.GetElapsedTime(end.ReportedAt).TotalMilliseconds, end.QueuedBefore);

        // Deaths judged from here on happened while this process listened; earlier ones are history.
        var now = _time.GetUtcNow();
        Interlocked.CompareExchange(ref _liveSinceTicks, now.UtcTicks, 0);
        if (_currency.Replay(end.Status, now))
        {
            Volatile.Write(ref _statusChanged, 1);
        }
    }

    /// <summary>A replay's end, waiting for the writer to take the events queued before it.</summary>
    /// <param name="ReportedAt">When the replay reported its end (<see cref="Stopwatch.GetTimestamp"/>), for the debug log.</param>
    private sealed record PendingReplayEnd(ReplayStatus Status, long QueuedBefore, long ReportedAt);

    /// <summary>Has the writer publish an update with the new status (and sweep, should the freeze have ended).</summary>
    private void StatusMoved()
    {
        Volatile.Write(ref _statusChanged, 1);
        _queue.Writer.TryWrite(IngestBatch.Wake);
    }

    public ValueTask EnqueueAsync(ChoriaEvent evt, string subject, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var batch = new IngestBatch(1);
        batch.Add(evt, subject, receivedAt);
        return EnqueueAsync(batch, cancellationToken);
    }

    public ValueTask EnqueueAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        // Counted before it is queued, so the writer never takes away more than was added.
        Interlocked.Add(ref _queued, batch.Count);
        Interlocked.Add(ref _enqueuedTotal, batch.Count);
        var write = _queue.Writer.WriteAsync(batch, cancellationToken);
        return write.IsCompletedSuccessfully ? write : Uncount(write, batch.Count);
    }

    private async ValueTask Uncount(ValueTask write, int count)
    {
        try
        {
            await write;
        }
        catch
        {
            Interlocked.Add(ref _queued, -count);
            Interlocked.Add(ref _enqueuedTotal, -count);
            throw;
        }
    }

    /// <summary>The fleet now as one update: what a subscriber starts from, and gets again after falling behind.</summary>
    private FleetUpdate Snapshot(object? tag, bool resynchronised) => new()
    {
        Summary = Summary,
        Broker = Broker,
        IsSnapshot = true,
        Resynchronised = resynchronised,
        Events = ReferenceEquals(tag, WithEvents) ? _feed.Recent() : [],
    };
}
