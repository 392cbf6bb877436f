using System.Globalization;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Store;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace ChoriaDashboard.Ingest.Replay;

/// <summary>
/// Resuming: a read that breaks off (a broker failover or restart, a consumer deleted under it, no answer within
/// <c>Replay:StallTimeout</c>) starts again after the last message it applied, after a growing wait, once the connection
/// is back; after <c>Replay:MaxAttempts</c> attempts in a row that bring nothing new, that read is given up.
/// </summary>
public sealed partial class StreamReplay
{
    /// <summary>Interruptions logged as warnings; later ones go to the debug log (each is still counted).</summary>
    private const int LoggedInterruptions = 10;

    private int _interruptions;
    private string? _resuming;

    /// <summary>
    /// Reads one cursor's part of the history to its end, resuming after interruptions. Never throws but for
    /// cancellation: a read given up says so in <see cref="Cursor.GivenUp"/>.
    /// </summary>
    private async Task ReadResumingAsync(Cursor cursor, Func<Cursor, Watchdog, Task> attempt, CancellationToken cancellationToken)
    {
        var fruitless = 0;
        while (true)
        {
            var before = cursor.Count;
            using var watchdog = new Watchdog(_options.StallTimeout, _time, cancellationToken);
            try
            {
                await attempt(cursor, watchdog);
                await FlushAsync(cursor, cancellationToken);
                cursor.Complete = true;
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                // Whatever broke the read (the broker, the client, or a bug here), the events it handled so far are
                // applied now: nothing is lost, and the next attempt starts after them, so none comes twice.
                var why = watchdog.Stalled ? $"no message from the broker for {_options.StallTimeout.TotalSeconds:0.#} s" : Describe(e, cursor.Stream);
                fruitless = cursor.Count > before ? 1 : fruitless + 1;
                var interruptions = Interlocked.Increment(ref _interruptions);
                await TryFlushAsync(cursor, cancellationToken);
                if (fruitless >= _options.MaxAttempts)
                {
                    cursor.GivenUp = $"{why}; {fruitless} attempts in a row brought nothing new";
                    _logger.LogError(e, "Gave up replaying {What} after {Applied} messages: {Why}", cursor.What, cursor.Count, cursor.GivenUp);
                    return;
                }

                var delay = Backoff(_options, fruitless);
                Volatile.Write(ref _resuming, $"{why}; attempt {fruitless + 1} of {_options.MaxAttempts}");
                _logger.Log(
                    interruptions <= LoggedInterruptions ? LogLevel.Warning : LogLevel.Debug,
                    "Replaying {What} was interrupted after {Applied} messages ({Why}); resuming after the last one applied in {Delay}, attempt {Attempt} of {MaxAttempts}",
                    cursor.What,
                    cursor.Count,
                    why,
                    delay,
                    fruitless + 1,
                    _options.MaxAttempts);
                await Task.Delay(delay, _time, cancellationToken);
                await WaitConnectedAsync(cancellationToken);
                Volatile.Write(ref _resuming, null);
            }
        }
    }

    /// <summary>Flushes what a broken read handled; a writer that fails again keeps it for the next attempt.</summary>
    private async Task TryFlushAsync(Cursor cursor, CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cursor, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(e, "Handing {Count} replayed events of {What} to the fleet writer failed; trying again with the next attempt", cursor.Batch.Count, cursor.What);
        }
    }

    /// <summary>
    /// The wait after the <paramref name="fruitless"/>-th interruption in a row: <c>Replay:RetryDelay</c>, doubled for each
    /// one before, at most <c>Replay:MaxRetryDelay</c>.
    /// </summary>
    internal static TimeSpan Backoff(ReplayOptions options, int fruitless)
    {
        var factor = Math.Pow(2, Math.Clamp(fruitless - 1, 0, 30));
        return TimeSpan.FromTicks((long)Math.Min(options.RetryDelay.Ticks * factor, options.MaxRetryDelay.Ticks));
    }

    /// <summary>What broke a read, in words for the log and the banner.</summary>
    internal static string Describe(Exception e, string stream) => e switch
    {
        ReplayInterruptedException => e.Message,
        NatsJSApiException { Error.Code: 404 } => $"stream {stream} not found",
        NatsJSApiException { Error.Code: 503 } => "JetStream is not available on the broker",
        NatsJSApiException api => $"stream {stream}: {api.Error.Description}",
        NatsJSProtocolException protocol => $"the broker ended the read: {protocol.HeaderCode} {protocol.HeaderMessageText}",
        NatsNoRespondersException => "JetStream is not answering",
        NatsJSApiNoResponseException or NatsNoReplyException or TimeoutException or NatsJSTimeoutException => "no answer from the broker",
        NatsJSException js => js.Message,
        NatsException => "the connection to the broker was lost",
        OperationCanceledException => "no answer from the broker",
        _ => $"{e.GetType().Name}: {UntrustedText.Excerpt(e.Message)}",
    };

    /// <summary>
    /// Where one read of the replay stands: the next stream sequence to read (0: from its start time) and the stream time
    /// of the last message applied, so an interrupted read resumes after it and a read given up tells what was not
    /// replayed; the events handled and not yet handed to the writer.
    /// </summary>
    private sealed class Cursor(string stream, string what, DateTimeOffset from, DateTimeOffset to)
    {
        /// <summary>The stream read.</summary>
        public string Stream { get; } = stream;

        /// <summary>The read in words: the stream, and the component for the older events of one.</summary>
        public string What { get; } = what;

        /// <summary>The start of the time this read covers.</summary>
        public DateTimeOffset From { get; } = from;

        /// <summary>The end of the time this read covers.</summary>
        public DateTimeOffset To { get; } = to;

        public ulong NextSeq { get; private set; }

        /// <summary>The stream time of the last message applied; null before the first.</summary>
        public DateTimeOffset? LastAt { get; private set; }

        /// <summary>Messages read and applied (or skipped as already applied) so far.</summary>
        public long Count { get; private set; }

        /// <summary>The stream's remaining length has been added to the progress total.</summary>
        public bool Counted { get; set; }

        public IngestBatch Batch { get; set; } = new(IngestBatch.MaxCount);

        /// <summary>The read reached its end.</summary>
        public bool Complete { get; set; }

        /// <summary>Why the read was given up; null unless it was.</summary>
        public string? GivenUp { get; set; }

        /// <summary>The time whose history this read did not bring: from its last message (or its start) to its end.</summary>
        public (DateTimeOffset From, DateTimeOffset To) Unheard => (LastAt is { } last && last > From ? last : From, To);

        public void Applied(NatsJSMsgMetadata meta)
        {
            NextSeq = meta.Sequence.Stream + 1;
            LastAt = meta.Timestamp;
            Count++;
        }

        public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{What} given up after {Count:N0} messages ({GivenUp}); not replayed from {Unheard.From:yyyy-MM-dd HH:mm:ss}Z");
    }

    /// <summary>
    /// Cancels an attempt when the broker sends nothing for <c>Replay:StallTimeout</c>; rests while the fleet writer
    /// takes what was pulled, so a busy writer is not taken for a silent broker.
    /// </summary>
    private sealed class Watchdog : IDisposable
    {
        private readonly CancellationTokenSource _cts;
        private readonly CancellationTokenRegistration _stopping;
        private readonly CancellationToken _outer;
        private readonly TimeSpan _timeout;

        public Watchdog(TimeSpan timeout, TimeProvider time, CancellationToken outer)
        {
            _timeout = timeout;
            _outer = outer;
            _cts = new CancellationTokenSource(timeout, time);
            _stopping = outer.Register(static s => ((CancellationTokenSource)s!).Cancel(), _cts);
        }

        public CancellationToken Token => _cts.Token;

        /// <summary>The attempt was cancelled for silence, not because the app is stopping.</summary>
        public bool Stalled => _cts.IsCancellationRequested && !_outer.IsCancellationRequested;

        /// <summary>The broker is expected to send: the timeout runs from now.</summary>
        public void Kick() => _cts.CancelAfter(_timeout);

        /// <summary>The dashboard is busy: no timeout until the next <see cref="Kick"/>.</summary>
        public void Pause() => _cts.CancelAfter(Timeout.InfiniteTimeSpan);

        public void Dispose()
        {
            _stopping.Dispose();
            _cts.Dispose();
        }
    }
}
