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
/// The singleton fleet store. One loop owns <see cref="FleetState"/> and applies queued events in batches; after each
/// batch it publishes one <see cref="FleetChanges"/> to every subscriber without ever waiting for them.
/// </summary>
public sealed class FleetStore : BackgroundService, IFleetReader, IFleetWriter
{
    private readonly Channel<IngestBatch> _queue;
    private readonly FleetState _state;
    private readonly FleetOptions _options;
    private readonly IngestCounters _counters;
    private readonly TimeProvider _time;
    private readonly ILogger<FleetStore> _logger;
    private readonly EventFeed _feed;
    private readonly RawEventStore _raw;
    private readonly FleetSeries _series;
    private readonly Lock _subscribersLock = new();
    private readonly CurrencyTracker _currency;
    private int _currencyChanged;
    private FleetSubscription[] _subscribers = [];
    private FleetSummary _summary = FleetSummary.Empty;
    private BrokerStatus _broker;
    private long _revision;
    private DateTimeOffset _lastSweep;
    private DateTimeOffset _errorWindowStart;
    private int _errorsInWindow;
    private int _queued;
    private long _latestEventTicks;

    /// <param name="queueCapacity">Events queued between the ingest and the writer (<c>Ingest:QueueCapacity</c>).</param>
    /// <param name="raw">Where the ingest keeps accepted messages as received; none kept when null.</param>
    public FleetStore(IOptions<FleetOptions> options, IngestCounters counters, TimeProvider time, ILogger<FleetStore> logger, int queueCapacity, RawEventStore? raw = null)
    {
        _options = options.Value;
        _feed = new EventFeed(_options.EventFeedLength, _options.EventFeedSubscriberBuffer);
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
        _lastSweep = time.GetUtcNow();
        _currency = new CurrencyTracker(_broker, _options.MaxOutages, _options.StaleAfter, _lastSweep);
    }

    public FleetSummary Summary => Volatile.Read(ref _summary);

    public BrokerStatus Broker => Volatile.Read(ref _broker);

    public event Action<BrokerStatus>? BrokerChanged;

    public ViewCurrency Currency => _currency.Current;

    public event Action<ViewCurrency>? CurrencyChanged;

    public IIngestCounts Ingest => _counters;

    public IReadOnlyDictionary<NodeKey, NodeSnapshot> Nodes => _state.Nodes;

    public IReadOnlyDictionary<string, MachineHost> Machines => _state.Machines;

    public IReadOnlyDictionary<(string Governor, string Event), long> GovernorCounts => _state.GovernorCounts;

    public IReadOnlyList<GovernorHistoryEntry> GovernorHistory => _state.GovernorHistory;

    public int QueueLength => Volatile.Read(ref _queued);

    // ---- Event tail and raw events (node detail, /events) ----

    public EventFeedSubscription SubscribeEvents() => _feed.Subscribe();

    public RawEventLookup FindRawEvent(long id) => _raw.Find(id);

    public RawEventLookup FindRawEvent(string identity, DateTimeOffset receivedAt) => _raw.Find(identity, receivedAt);

    /// <summary>Live tails open now.</summary>
    public int EventSubscriberCount => _feed.SubscriberCount;
    // ---- Over time: the overview's chart, feed and status bar ----

    public IReadOnlyList<FleetSample> Series => _series.Samples;

    public IReadOnlyList<NotableChange> NotableChanges => _state.Notable.Recent;

    public DateTimeOffset? LatestEventAt => Interlocked.Read(ref _latestEventTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    public void ReportBroker(BrokerStatus status)
    {
        if (Interlocked.Exchange(ref _broker, status) != status)
        {
            if (_currency.Broker(status, _time.GetUtcNow()))
            {
                CurrencyMoved();
            }

            BrokerChanged?.Invoke(status);
        }
    }

    public void ReportReplay(ReplayStatus status)
    {
        if (_currency.Replay(status, _time.GetUtcNow()))
        {
            CurrencyMoved();
        }
    }

    /// <summary>Has the writer publish a batch with the new currency (and sweep, should the freeze have ended).</summary>
    private void CurrencyMoved()
    {
        Volatile.Write(ref _currencyChanged, 1);
        _queue.Writer.TryWrite(IngestBatch.Wake);
        CurrencyChanged?.Invoke(_currency.Current);
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
            throw;
        }
    }

    public FleetSubscription Subscribe()
    {
        lock (_subscribersLock)
        {
            var subscription = new FleetSubscription(this, Summary, _options.SubscriberBufferSize);
            _subscribers = [.. _subscribers, subscription];
            return subscription;
        }
    }

    internal void Unsubscribe(FleetSubscription subscription)
    {
        lock (_subscribersLock)
        {
            _subscribers = [.. _subscribers.Where(s => s != subscription)];
        }
    }

    internal FleetSummary CurrentSummaryLocked()
    {
        lock (_subscribersLock)
        {
            return Summary;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Wakes an idle writer so silent nodes still turn stale and dead; the sweep itself runs on the writer.
        var ticker = TickAsync(stoppingToken);
        var changes = new FleetChangeSet();
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                var taken = 0;
                var accepted = 0;
                var latest = 0L;
                var appliedAt = _time.GetUtcNow();
                // Whole ingest batches: a change batch can take up to IngestBatch.MaxCount - 1 events past MaxBatchSize.
                while (taken < _options.MaxBatchSize && reader.TryRead(out var batch))
                {
                    foreach (var input in batch.Items)
                    {
                        // A replayed receipt time is the broker's clock: never later than the dashboard's now.
                        var receivedAt = input.Replayed && input.ReceivedAt > appliedAt ? appliedAt : input.ReceivedAt;
                        if (ApplyOne(input.Event, input, receivedAt, changes))
                        {
                            accepted++;
                            latest = Math.Max(latest, receivedAt.UtcTicks);
                        }
                    }

                    taken += batch.Count;
                    Interlocked.Add(ref _queued, -batch.Count);
                }

                var now = _time.GetUtcNow();
                try
                {
                    if (_currency.Dropped(_counters.Dropped, now))
                    {
                        Volatile.Write(ref _currencyChanged, 1);
                        CurrencyChanged?.Invoke(_currency.Current);
                    }

                    // Frozen while cut off from the broker or replaying: no node turns stale or dead from silence the
                    // dashboard could not hear, or before the replay has brought in its last events. Once the freeze
                    // ends, the next batch sweeps.
                    if (now - _lastSweep >= _options.SweepInterval && !_currency.Current.LivenessPaused)
                    {
                        _lastSweep = now;
                        _state.Sweep(now, changes, _currency.Deaf(now));
                    }

                    if (!changes.IsEmpty || Interlocked.Exchange(ref _currencyChanged, 0) == 1)
                    {
                        Publish(changes, now);
                    }

                    _series.TrySample(now, Summary);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // The writer must outlive a bug in one rule; the next batch publishes what this one missed.
                    LogWriterError(e, "Sweeping or publishing a change batch failed");
                }
                finally
                {
                    changes.Clear();

                    // Counted once the batch's summary is out, so /api/fleet never reports more accepted events than
                    // its totals show.
                    _counters.AddAccepted(accepted);
                    if (latest > Interlocked.Read(ref _latestEventTicks))
                    {
                        Interlocked.Exchange(ref _latestEventTicks, latest);
                    }
                }

                // A batch that did not fill up means the writer is ahead of the ingest: let events gather for a moment
                // rather than waking (and summarising, and notifying every page) once per event.
                if (taken < _options.MaxBatchSize && _options.BatchDelay > TimeSpan.Zero)
                {
                    await Task.Delay(_options.BatchDelay, _time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await ticker;
    }

    /// <summary>Applies one event; true when it was accepted into the fleet (or counted, for governor events).</summary>
    private bool ApplyOne(ChoriaEvent evt, in IngestBatch.Item input, DateTimeOffset receivedAt, FleetChangeSet changes)
    {
        try
        {
            var outcome = _state.Apply(evt, receivedAt, changes, input.Replayed);
            if (outcome is ApplyOutcome.Accepted or ApplyOutcome.CountedOnly)
            {
                _feed.Publish(receivedAt, evt, input.Subject, input.RawId);
            }

            switch (outcome)
            {
                case ApplyOutcome.FleetFull:
                    _counters.Rejected(RejectionReason.FleetFull, input.Subject, $"{evt.Identity}: the fleet holds its maximum of {_options.MaxNodes} nodes (Fleet:MaxNodes)");
                    break;
                case ApplyOutcome.Superseded:
                    // Changed nothing: neither accepted nor the latest event.
                    _counters.AddSuperseded();
                    break;
                case ApplyOutcome.MachineLimit:
                    _counters.Rejected(RejectionReason.FleetFull, input.Subject, $"{evt.Identity}: at most {_options.MaxMachinesPerNode} machines per node and {_options.MaxWatchersPerMachine} watchers per machine are kept (Fleet:MaxMachinesPerNode, Fleet:MaxWatchersPerMachine)");
                    break;
                default:
                    return true;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug in one rule must not stop the fleet: log it (at a bounded rate) and go on with the next event.
            LogWriterError(e, $"Applying {evt.Protocol} from {UntrustedText.Excerpt(evt.Identity)} failed");
        }

        return false;
    }

    private void LogWriterError(Exception e, string what)
    {
        var now = _time.GetUtcNow();
        if (now - _errorWindowStart > TimeSpan.FromMinutes(1))
        {
            _errorWindowStart = now;
            _errorsInWindow = 0;
        }

        if (++_errorsInWindow <= 5)
        {
            _logger.LogError(e, "{What}", what);
        }
    }

    private void Publish(FleetChangeSet changes, DateTimeOffset now)
    {
        var summary = _state.BuildSummary(++_revision, now) with { Currency = _currency.Current };
        var batch = changes.ToChanges(summary);
        lock (_subscribersLock)
        {
            Volatile.Write(ref _summary, summary);
            foreach (var subscriber in _subscribers)
            {
                subscriber.Offer(batch);
            }
        }
    }

    private async Task TickAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SweepInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                _queue.Writer.TryWrite(IngestBatch.Wake);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
