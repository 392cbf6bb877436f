using System.Diagnostics;
using System.Globalization;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace ChoriaDashboard.Ingest.Replay;

/// <summary>Reading the streams: the fleet-wide window of each stream, the older lifecycle events of components with longer thresholds, and decoding what they bring.</summary>
public sealed partial class StreamReplay
{
    /// <summary>
    /// The lifecycle events of one component with thresholds longer than the fleet's (a provisioner: only a startup,
    /// dead after days) from <paramref name="from"/> up to where the fleet-wide window starts, which the main replay
    /// covers: a filtered consumer reads only that component's events, so a long window costs what that component sent,
    /// not what the whole fleet did. Nothing here can overlap live delivery (all of it is older than the main window).
    /// </summary>
    private async Task ReplayOlderAsync(NatsJSContext js, string stream, string component, DateTimeOffset from, CancellationToken cancellationToken)
    {
        if (from >= _from || !ChoriaSubjects.IsSubjectToken(component))
        {
            return;
        }

        // An ephemeral consumer with the one filter subject every JetStream server takes (filter_subjects, plural, came
        // with nats-server 2.10); no acknowledgements; the broker removes it once idle.
        var filter = ChoriaSubjects.LifecycleOf(component);
        var consumer = await js.CreateOrUpdateConsumerAsync(
            stream,
            new ConsumerConfig
            {
                Name = "dashboard-replay-" + Guid.NewGuid().ToString("N"),
                FilterSubject = filter,
                DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartTime,
                OptStartTime = from,
                AckPolicy = ConsumerConfigAckPolicy.None,
                InactiveThreshold = TimeSpan.FromMinutes(1),
            },
            cancellationToken);
        var subscription = "replay " + stream;
        var batch = new IngestBatch(IngestBatch.MaxCount);
        var done = false;
        while (!done)
        {
            var got = 0;
            await foreach (var msg in consumer.FetchNoWaitAsync<NatsMemoryOwner<byte>>(new NatsJSFetchOpts { MaxMsgs = _options.PullBatchSize }, cancellationToken: cancellationToken))
            {
                got++;
                using var body = msg.Data;
                if (done || msg.Metadata is not { } meta || meta.Timestamp >= _from)
                {
                    done = true;
                    continue;
                }

                if (!msg.Subject.EndsWith("." + component, StringComparison.Ordinal))
                {
                    // A broker that ignored the filter: the fleet-wide replay covers everything else.
                    done = meta.NumPending == 0;
                    continue;
                }

                Interlocked.Increment(ref _total);
                Interlocked.Increment(ref _replayed);
                Handle(subscription, msg.Subject, body.Memory, msg.Headers, meta.Timestamp, batch);
                if (batch.IsFull)
                {
                    await _fleet.EnqueueAsync(batch, cancellationToken);
                    batch = new IngestBatch(IngestBatch.MaxCount);
                }

                done = meta.NumPending == 0;
            }

            done |= got == 0;
        }

        await _fleet.EnqueueAsync(batch, cancellationToken);
    }

    private async Task ReplayStreamAsync(NatsJSContext js, Plan plan, CancellationToken cancellationToken)
    {
        if (plan.EndSeq == 0 || plan.EndTime < _from)
        {
            return;
        }

        var consumer = await js.CreateOrderedConsumerAsync(
            plan.Stream,
            new NatsJSOrderedConsumerOpts { DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartTime, OptStartTime = _from },
            cancellationToken);
        var subscription = "replay " + plan.Stream;
        var batch = new IngestBatch(IngestBatch.MaxCount);
        var counted = false;
        var done = false;

        // Pull by pull: the broker sends at most a pull's worth ahead of us, so a replay that waits for the writer
        // never overflows the client's buffers (a continuous consume would, and drop messages).
        while (!done)
        {
            var got = 0;
            await foreach (var msg in consumer.FetchNoWaitAsync<NatsMemoryOwner<byte>>(new NatsJSFetchOpts { MaxMsgs = _options.PullBatchSize }, cancellationToken: cancellationToken))
            {
                got++;
                if (done || msg.Metadata is not { } meta)
                {
                    msg.Data.Dispose();
                    continue;
                }

                if (!counted)
                {
                    // The first message tells how many are left to the end; ours ends at the mark taken before.
                    counted = true;
                    var toEnd = meta.Sequence.Stream > plan.EndSeq ? 0 : Math.Min((long)meta.NumPending + 1, (long)(plan.EndSeq - meta.Sequence.Stream) + 1);
                    Interlocked.Add(ref _total, toEnd);
                }

                if (meta.Sequence.Stream > plan.EndSeq)
                {
                    msg.Data.Dispose();
                    done = true;
                    continue;
                }

                using (var body = msg.Data)
                {
                    Interlocked.Increment(ref _replayed);
                    var live = meta.Sequence.Stream > plan.StartSeq && _overlap.TakeIfSeen(msg.Subject, body.Memory.Span, msg.Headers);
                    if (!live)
                    {
                        Handle(subscription, msg.Subject, body.Memory, msg.Headers, meta.Timestamp, batch);
                    }
                }

                if (batch.IsFull)
                {
                    await _fleet.EnqueueAsync(batch, cancellationToken);
                    batch = new IngestBatch(IngestBatch.MaxCount);
                }

                done = meta.Sequence.Stream >= plan.EndSeq || meta.NumPending == 0;
            }

            done |= got == 0;
        }

        await _fleet.EnqueueAsync(batch, cancellationToken);
    }

    private void Handle(string subscription, string subject, ReadOnlyMemory<byte> body, NatsHeaders? headers, DateTimeOffset storedAt, IngestBatch batch)
    {
        _counters.Received(subscription);
        DecodeResult result;
        try
        {
            result = _decoder.Decode(body, headers);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _counters.Rejected(RejectionReason.InvalidValue, subject, $"decoder failed: {e.GetType().Name}: {UntrustedText.Excerpt(e.Message)}");
            return;
        }

        if (result.Event is { } evt)
        {
            batch.Add(evt, subject, storedAt, replayed: true);
        }
        else
        {
            _counters.Rejected(result.Reason, subject, result.Detail);
        }
    }
}
