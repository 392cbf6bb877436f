using System.Diagnostics;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Store;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace ChoriaDashboard.Ingest.Replay;

/// <summary>
/// Reading the streams: one attempt at the fleet-wide window of a stream, or at the older lifecycle events of a
/// component with longer thresholds, from where its <see cref="Cursor"/> stands; and decoding what they bring. An
/// attempt that breaks off throws, and <see cref="ReadResumingAsync"/> starts the next one after the last message applied.
/// </summary>
public sealed partial class StreamReplay
{
    /// <summary>
    /// One attempt at a stream's fleet-wide window, from the cursor up to where the stream ended once the live
    /// subscriptions were in place (<see cref="Plan.EndSeq"/>, noted on the first attempt).
    /// </summary>
    private async Task ReadStreamAsync(NatsJSContext js, Plan plan, Cursor cursor, Watchdog watchdog, CancellationToken cancellationToken)
    {
        if (!plan.Marked)
        {
            var stream = await js.GetStreamAsync(plan.Stream, cancellationToken: watchdog.Token);
            plan.EndSeq = stream.Info.State.LastSeq;
            plan.EndTime = LastTimestamp(stream.Info.State);
            plan.Marked = true;
            _logger.LogDebug("Replaying {Stream} from {From} up to message {EndSeq} ({EndTime})", plan.Stream, _from, plan.EndSeq, plan.EndTime);
        }

        if (plan.EndSeq == 0 || plan.EndTime < _from || cursor.NextSeq > plan.EndSeq)
        {
            return;
        }

        await using var pull = await StreamPull.StartAsync(_connection, js, _time, plan.Stream, StartingAt(cursor, filter: null), _options.PullBatchSize, watchdog.Token);
        var subscription = "replay " + plan.Stream;

        // The next stream sequence the pulls bring (ahead of the cursor, which follows what was applied).
        var pulledTo = cursor.NextSeq;
        async Task<(List<PulledMessage>, bool)> NextAsync(CancellationToken token)
        {
            var pulled = await PullAsync(pull, watchdog, token);
            if (pulled.Count == 0)
            {
                if (await NothingLeftAsync(js, plan, pulledTo, watchdog))
                {
                    return (pulled, true);
                }

                throw new ReplayInterruptedException($"the broker sent nothing from message {Math.Max(pulledTo, 1)} of {plan.Stream} on, though it held messages up to {plan.EndSeq}");
            }

            var last = pulled[^1].Meta;
            pulledTo = last.Sequence.Stream + 1;
            return (pulled, last.Sequence.Stream >= plan.EndSeq || last.NumPending == 0);
        }

        await using var ahead = new PullAhead(_options.PullsInFlight, NextAsync, NoteHeld, watchdog.Token);
        while (await ahead.ReadAsync(cancellationToken) is { } pulled)
        {
            var done = false;
            var next = 0;
            try
            {
                while (next < pulled.Count)
                {
                    var (msg, meta) = pulled[next++];
                    using var body = msg.Data;
                    if (done)
                    {
                        continue;
                    }

                    if (!cursor.Counted)
                    {
                        // The first message tells how many are left to the end; ours ends at the mark taken before.
                        cursor.Counted = true;
                        var toEnd = meta.Sequence.Stream > plan.EndSeq ? 0 : Math.Min((long)meta.NumPending + 1, (long)(plan.EndSeq - meta.Sequence.Stream) + 1);
                        Interlocked.Add(ref _total, toEnd);
                    }

                    if (meta.Sequence.Stream > plan.EndSeq)
                    {
                        done = true;
                        continue;
                    }

                    Interlocked.Increment(ref _replayed);
                    var live = plan.MayHaveComeLive(meta) && _overlap.TakeIfSeen(msg.Subject, body.Memory.Span, msg.Headers);
                    if (!live)
                    {
                        Handle(subscription, msg, body.Memory, meta.Timestamp, cursor.Batch);
                    }

                    cursor.Applied(meta);
                    if (cursor.Batch.IsFull)
                    {
                        await FlushAsync(cursor, cancellationToken);
                    }

                    done = meta.Sequence.Stream >= plan.EndSeq || meta.NumPending == 0;
                }
            }
            finally
            {
                DisposeFrom(pulled, next);
                ahead.Applied();
            }

            if (done)
            {
                return;
            }
        }
    }

    /// <summary>
    /// One attempt at the lifecycle events of one component with thresholds longer than the fleet's (a provisioner: only
    /// a startup, dead after days) from the cursor up to where the fleet-wide window starts, which the main replay
    /// covers: a consumer filtered to that component's lifecycle subjects (the one filter subject every JetStream server
    /// takes; filter_subjects, plural, came with nats-server 2.10) reads only its events, so a long window costs what that
    /// component sent, not what the whole fleet did. Nothing here can overlap live delivery (all of it is older than the
    /// main window).
    /// </summary>
    private async Task ReadOlderAsync(NatsJSContext js, string stream, string component, Cursor cursor, Watchdog watchdog, CancellationToken cancellationToken)
    {
        await using var pull = await StreamPull.StartAsync(_connection, js, _time, stream, StartingAt(cursor, ChoriaSubjects.LifecycleOf(component)), _options.PullBatchSize, watchdog.Token);
        var subscription = "replay " + stream;

        // Empty: nothing (more) for the filter.
        async Task<(List<PulledMessage>, bool)> NextAsync(CancellationToken token)
        {
            var pulled = await PullAsync(pull, watchdog, token);
            return (pulled, pulled.Count == 0 || pulled[^1].Meta.NumPending == 0 || pulled[^1].Meta.Timestamp >= _from);
        }

        await using var ahead = new PullAhead(_options.PullsInFlight, NextAsync, NoteHeld, watchdog.Token);
        while (await ahead.ReadAsync(cancellationToken) is { } pulled)
        {
            var done = false;
            var next = 0;
            try
            {
                while (next < pulled.Count)
                {
                    var (msg, meta) = pulled[next++];
                    using var body = msg.Data;
                    if (done || meta.Timestamp >= _from)
                    {
                        done = true;
                        continue;
                    }

                    if (msg.Subject.EndsWith("." + component, StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref _total);
                        Interlocked.Increment(ref _replayed);
                        Handle(subscription, msg, body.Memory, meta.Timestamp, cursor.Batch);
                    }

                    // Otherwise a broker that ignored the filter: the fleet-wide replay covers everything else.
                    cursor.Applied(meta);
                    if (cursor.Batch.IsFull)
                    {
                        await FlushAsync(cursor, cancellationToken);
                    }

                    done = meta.NumPending == 0;
                }
            }
            finally
            {
                DisposeFrom(pulled, next);
                ahead.Applied();
            }

            if (done)
            {
                return;
            }
        }
    }

    /// <summary>Where a new consumer starts: the read's start time at first, after the last message applied on resuming.</summary>
    private static ConsumerConfig StartingAt(Cursor cursor, string? filter) => cursor.NextSeq == 0
        ? new ConsumerConfig { DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartTime, OptStartTime = cursor.From, FilterSubject = filter }
        : new ConsumerConfig { DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence, OptStartSeq = cursor.NextSeq, FilterSubject = filter };

    /// <summary>One pull; the watchdog runs while the broker sends, and rests while the caller applies what came.</summary>
    private async Task<List<PulledMessage>> PullAsync(StreamPull pull, Watchdog watchdog, CancellationToken cancellationToken)
    {
        watchdog.Kick();
        var started = Stopwatch.GetTimestamp();
        var pulled = await pull.NextAsync(_options.PullBatchSize, _pullBytes, cancellationToken);
        _timings.Pulled(Stopwatch.GetTimestamp() - started);
        watchdog.Pause();
        return pulled;
    }

    /// <summary>Returns the buffers of the messages from <paramref name="start"/> on to the pool, each once.</summary>
    private static void DisposeFrom(List<PulledMessage> pulled, int start)
    {
        for (var i = start; i < pulled.Count; i++)
        {
            pulled[i].Msg.Data.Dispose();
        }
    }

    /// <summary>
    /// An empty pull: true when the stream really holds nothing more for us (its messages up to the mark expired, or it
    /// was purged), false when it does, i.e. the broker failed to send them.
    /// </summary>
    /// <param name="next">The next stream sequence the read would bring; 0 before its first message.</param>
    private async Task<bool> NothingLeftAsync(NatsJSContext js, Plan plan, ulong next, Watchdog watchdog)
    {
        watchdog.Kick();
        var state = (await js.GetStreamAsync(plan.Stream, cancellationToken: watchdog.Token)).Info.State;
        watchdog.Pause();
        var left = state.Messages > 0
            && (next == 0 ? LastTimestamp(state) >= _from : state.LastSeq >= next);
        if (!left)
        {
            _logger.LogWarning("The stream {Stream} no longer holds the messages the replay was to read from {Next} on (expired or purged while replaying)", plan.Stream, next);
        }

        return !left;
    }

    /// <summary>Hands the events handled so far to the writer; should that fail, they stay for the next try.</summary>
    private async ValueTask FlushAsync(Cursor cursor, CancellationToken cancellationToken)
    {
        if (cursor.Batch.Count == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        await _fleet.EnqueueAsync(cursor.Batch, cancellationToken);
        _timings.WaitedForWriter(Stopwatch.GetTimestamp() - started);
        cursor.Batch = new IngestBatch(IngestBatch.MaxCount);
    }

    /// <summary>Decodes one replayed message as the live loops do: the same size limit, decoder and rejections.</summary>
    private void Handle(string subscription, NatsMsg<NatsMemoryOwner<byte>> msg, ReadOnlyMemory<byte> body, DateTimeOffset storedAt, IngestBatch batch)
    {
        _counters.Received(subscription);
        if (msg.Error is { } error)
        {
            _counters.Rejected(RejectionReason.NotJson, msg.Subject, error.Message);
            return;
        }

        DecodeResult result;
        var started = Stopwatch.GetTimestamp();
        try
        {
            result = _decoder.Decode(body, msg.Headers);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _counters.Rejected(RejectionReason.InvalidValue, msg.Subject, $"decoder failed: {e.GetType().Name}: {UntrustedText.Excerpt(e.Message)}");
            return;
        }

        _timings.Decoded(Stopwatch.GetTimestamp() - started);
        if (result.Event is { } evt)
        {
            batch.Add(evt, msg.Subject, storedAt, replayed: true);
        }
        else
        {
            _counters.Rejected(result.Reason, msg.Subject, result.Detail);
        }
    }
}
