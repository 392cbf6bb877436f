using System.Diagnostics;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Rules;
using Microsoft.Extensions.Logging;

namespace ChoriaDashboard.Fleet.Store;

/// <summary>The writer loop: takes queued events in batches, applies them, sweeps, and publishes one update per batch.</summary>
public sealed partial class FleetStore
{
    private long _revision;

    /// <summary>When the last sweep ran, on the liveness clock.</summary>
    private DateTimeOffset _lastSweep;

    /// <summary>When the writer last woke, on the liveness clock (see <c>Fleet:SuspendGap</c>).</summary>
    private DateTimeOffset _lastWake;
    private DateTimeOffset _errorWindowStart;
    private int _errorsInWindow;

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
                var heardNow = _clock.Now;
                NoteWake(heardNow, appliedAt);

                // Events travel in the stream only while a live tail listens: without one they cost the ring alone.
                var events = TailListens() ? new List<TailEvent>() : null;
                var firstSequence = _feed.Published + 1;

                // Whole ingest batches: an update can take up to IngestBatch.MaxCount - 1 events past MaxBatchSize.
                while (taken < _options.MaxBatchSize && reader.TryRead(out var batch))
                {
                    foreach (var input in batch.Items)
                    {
                        // A replayed receipt time is the broker's clock: never later than the dashboard's now.
                        var receivedAt = input.Replayed && input.ReceivedAt > appliedAt ? appliedAt : input.ReceivedAt;
                        var heardAt = HeardAt(input, receivedAt, appliedAt, heardNow);
                        if (ApplyOne(input.Event, input, receivedAt, heardAt, changes, events))
                        {
                            accepted++;
                            latest = Math.Max(latest, receivedAt.UtcTicks);
                        }
                    }

                    taken += batch.Count;
                    Interlocked.Add(ref _queued, -batch.Count);
                }

                var now = _time.GetUtcNow();
                heardNow = _clock.Now;
                try
                {
                    EndReplayWhenApplied(taken);
                    // Both run every batch (no short circuit): each keeps its own figures up to date.
                    if (_currency.Dropped(_counters.Dropped, now) | _turnedAway.Refresh(_state.NodeCount, now))
                    {
                        Volatile.Write(ref _statusChanged, 1);
                    }

                    // Frozen while cut off from the broker or replaying: no node turns stale or dead from silence the
                    // dashboard could not hear, or before the replay has brought in its last events. Once the freeze
                    // ends, the next batch sweeps.
                    if (heardNow - _lastSweep >= _options.SweepInterval && !_currency.Current.LivenessPaused)
                    {
                        _lastSweep = heardNow;
                        _state.LiveSince = Interlocked.Read(ref _liveSinceTicks) is var live and > 0 ? new DateTimeOffset(live, TimeSpan.Zero) : DateTimeOffset.MinValue;
                        _state.Sweep(now, changes, _currency.Deaf(heardNow), heardNow);
                    }

                    // A tail that opened during the batch started from the ring: the rest of the batch's events are in
                    // the ring too (as far as it reaches; what it does not, the tail counts as dropped).
                    if (events is null && TailListens())
                    {
                        events = [.. _feed.Recent().Where(e => e.Sequence >= firstSequence)];
                    }

                    var statusChanged = Interlocked.Exchange(ref _statusChanged, 0) == 1;
                    if (!changes.IsEmpty || statusChanged || events is { Count: > 0 })
                    {
                        Publish(changes, now, statusChanged, events);
                    }

                    _series.TrySample(now, heardNow, Summary);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // The writer must outlive a bug in one rule. What this batch changed is in the view but not in any
                    // update: every reader rebuilds from a snapshot rather than miss it.
                    LogWriterError(e, "Sweeping or publishing an update failed");
                    ResynchroniseReaders();
                }
                finally
                {
                    Interlocked.Exchange(ref _lastBatchTicks, now.UtcTicks);
                    TellDeaths(changes);
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

    /// <summary>
    /// When an event was heard on the liveness clock: from the monotonic timestamp the ingest took on receipt; for a
    /// replayed event (or one queued without a timestamp), as long before now as its receipt time is before the wall
    /// clock's now, never later than now.
    /// </summary>
    private DateTimeOffset HeardAt(in IngestBatch.Item input, DateTimeOffset receivedAt, DateTimeOffset appliedAt, DateTimeOffset heardNow)
    {
        if (!input.Replayed && input.Timestamp != 0)
        {
            var heard = _clock.At(input.Timestamp);
            return heard < heardNow ? heard : heardNow;
        }

        var fromWall = heardNow - (appliedAt - receivedAt);
        return fromWall < heardNow ? fromWall : heardNow;
    }

    /// <summary>
    /// The writer wakes at least every <c>Fleet:SweepInterval</c> (the ticker). A much longer gap (<c>Fleet:SuspendGap</c>)
    /// means the process did not run, a suspended VM most likely: nothing could be heard meanwhile, so the gap counts as
    /// deaf time and no node dies of it.
    /// </summary>
    private void NoteWake(DateTimeOffset heardNow, DateTimeOffset now)
    {
        var gap = heardNow - _lastWake;
        if (_options.SuspendGap > TimeSpan.Zero && gap >= _options.SuspendGap)
        {
            _logger.LogWarning("The fleet writer did not run for {Gap} (the process was suspended or starved): that time counts as deaf time, not as silence of the fleet", gap);
            if (_currency.Suspended(_lastWake, heardNow, now))
            {
                Volatile.Write(ref _statusChanged, 1);
            }
        }

        _lastWake = heardNow;
    }

    /// <summary>Applies one event; true when it was accepted into the fleet (or counted, for governor events).</summary>
    private bool ApplyOne(ChoriaEvent evt, in IngestBatch.Item input, DateTimeOffset receivedAt, DateTimeOffset heardAt, FleetChangeSet changes, List<TailEvent>? events)
    {
        try
        {
            var observed = _observer is not null && !input.Replayed;
            var started = observed ? Stopwatch.GetTimestamp() : 0;
            var outcome = _state.Apply(evt, receivedAt, changes, input.Replayed, heardAt);
            if (outcome is ApplyOutcome.Accepted or ApplyOutcome.CountedOnly)
            {
                var handling = observed ? Stopwatch.GetTimestamp() - started : 0;
                var entry = _feed.Publish(receivedAt, evt, input.Subject, input.RawId);
                events?.Add(entry);
                if (observed)
                {
                    _observer!.Applied(evt, handling);
                }
            }

            switch (outcome)
            {
                case ApplyOutcome.FleetFull:
                    _counters.Rejected(RejectionReason.FleetFull, input.Subject, $"{evt.Identity}: the fleet holds its maximum of {_options.MaxNodes} nodes (Fleet:MaxNodes)");
                    _turnedAway.TurnedAway(evt is LifecycleEvent l ? new NodeKey(l.Identity, l.Component) : null, _time.GetUtcNow());
                    break;
                case ApplyOutcome.Superseded:
                    // Changed nothing: neither accepted nor the latest event.
                    _counters.AddSuperseded();
                    break;
                case ApplyOutcome.MachineLimit:
                    _counters.Rejected(RejectionReason.FleetFull, input.Subject, $"{evt.Identity}: at most {_options.MaxMachinesPerNode} machines per node and {_options.MaxWatchersPerMachine} watchers per machine are kept (Fleet:MaxMachinesPerNode, Fleet:MaxWatchersPerMachine)");
                    break;
                case ApplyOutcome.TooManyComponents:
                    _counters.Rejected(RejectionReason.TooManyComponents, input.Subject, $"{evt.Identity}: a new component '{UntrustedText.Excerpt((evt as LifecycleEvent)?.Component)}' beyond the {_options.MaxComponents} kept besides Choria's own (Fleet:MaxComponents)");
                    break;
                case ApplyOutcome.TooManyWatchers:
                    _counters.Rejected(RejectionReason.FleetFull, input.Subject, $"{evt.Identity}: the fleet keeps its maximum of {_options.MaxWatchers} watchers (Fleet:MaxWatchers)");
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

    /// <summary>Tells the observer of each node the batch's sweep judged dead while live (replayed deaths are history).</summary>
    private void TellDeaths(FleetChangeSet changes)
    {
        if (_observer is null)
        {
            return;
        }

        foreach (var news in changes.News)
        {
            if (news is { Kind: NewsKind.Died, Replayed: false, Component: { } component })
            {
                _observer.NodeDied(component);
            }
        }
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

    /// <summary>
    /// Publishes the batch. The summary is set before the update goes out: a reader that subscribes in between starts
    /// from the new summary and then gets the update as well (harmless), never the other way round (a missed update).
    /// </summary>
    private void Publish(FleetChangeSet changes, DateTimeOffset now, bool statusChanged, List<TailEvent>? events)
    {
        var summary = _state.BuildSummary(++_revision, now) with { Currency = _currency.Current, TurnedAway = _turnedAway.Current };
        Volatile.Write(ref _summary, summary);
        _stream.Publish(changes.ToUpdate(summary, Broker, statusChanged, events is { Count: > 0 } ? events : []));
    }

    private bool TailListens() => _stream.Any(tag => ReferenceEquals(tag, WithEvents));

    private void ResynchroniseReaders()
    {
        try
        {
            _stream.Publish(Snapshot(tag: null, resynchronised: true));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogWriterError(e, "Telling readers to resynchronise failed");
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
