using System.Diagnostics;
using System.Globalization;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Status;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace ChoriaDashboard.Ingest.Replay;

/// <summary>The streams themselves: where each ends, creating them when asked, saying why history is unavailable, and waiting for the connection and the live subscriptions.</summary>
public sealed partial class StreamReplay
{
    /// <summary>
    /// Where <paramref name="name"/> ends now; a plan to locate it later (<see cref="Plan.Deferred"/>) when the broker
    /// cannot say just now (JetStream without a leader during a cluster's election or without quorum, no answer in time,
    /// the connection lost between connecting and asking); null when it cannot be replayed (missing, created empty, no
    /// JetStream). A deferred stream does not hold the live subscriptions back: the replay locates it, retrying as it
    /// resumes a broken read, and node states stay frozen until it has been read.
    /// </summary>
    private async Task<Plan?> MarkAsync(NatsJSContext js, string name, string subjects, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await js.GetStreamAsync(name, cancellationToken: cancellationToken);
            return new Plan(name, stream.Info.State.LastSeq);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404 && _options.CreateStreams)
        {
            await CreateAsync(js, name, subjects, cancellationToken);
        }
        catch (Exception e) when (Transient(e) && !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(
                "Could not locate the stream {Stream} at start ({Why}); the live subscriptions start now and the replay locates it again, retrying as Replay:MaxAttempts allows. Node states stay frozen until its history has been read",
                name,
                Describe(e, name));
            return Plan.Deferred(name);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Unavailable(name, e);
        }

        return null;
    }

    /// <summary>
    /// A failure to locate a stream that may pass by itself: JetStream answering 503 for a reason other than not being
    /// enabled (a cluster electing a leader, a stream without quorum), no answer in time, or the connection lost. Not
    /// transient: no JetStream at all (no responders, or not enabled for the account), a missing stream, any other
    /// refusal.
    /// </summary>
    internal static bool Transient(Exception e) => e switch
    {
        NatsJSApiException { Error.Code: 503 } api => api.Error.ErrCode is not (JetStreamNotEnabledForAccount or JetStreamNotEnabled),
        NatsJSApiException or NatsNoRespondersException => false,
        NatsJSApiNoResponseException or NatsNoReplyException or TimeoutException or NatsJSTimeoutException => true,
        OperationCanceledException => true,
        NatsException => true,
        _ => false,
    };

    /// <summary>nats-server's <c>JSNotEnabledForAccountErr</c> (server/errors.json).</summary>
    private const int JetStreamNotEnabledForAccount = 10039;

    /// <summary>nats-server's <c>JSNotEnabledErr</c> (server/errors.json).</summary>
    private const int JetStreamNotEnabled = 10076;

    private async Task CreateAsync(NatsJSContext js, string name, string subjects, CancellationToken cancellationToken)
    {
        try
        {
            await js.CreateStreamAsync(new StreamConfig(name, [subjects]) { MaxAge = _options.CreatedStreamMaxAge, Storage = StreamConfigStorage.File }, cancellationToken);
            _logger.LogInformation("Created the stream {Stream} for {Subjects} (Replay:CreateStreams); it keeps events for {MaxAge}", name, subjects, _options.CreatedStreamMaxAge);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Unavailable(name, e);
        }
    }

    private void Unavailable(string stream, Exception e)
    {
        var reason = e switch
        {
            NatsNoRespondersException => "JetStream is not enabled on the broker",
            NatsJSApiException { Error.Code: 404 } => $"stream {stream} not found",
            NatsJSApiException { Error.Code: 503 } => "JetStream is not available on the broker",
            NatsJSApiException api => $"stream {stream}: {api.Error.Description}",
            NatsJSApiNoResponseException or NatsNoReplyException or TimeoutException or NatsJSTimeoutException =>
                $"no answer about stream {stream} (no JetStream, or no rights on $JS.API)",
            _ => $"stream {stream}: {e.Message}",
        };
        lock (_unavailable)
        {
            if (!_unavailable.Contains(reason))
            {
                _unavailable.Add(reason);
            }
        }

        _logger.LogWarning("History from Choria Streams unavailable: {Reason}. The view fills from live events only.", reason);
    }

    private async Task WaitConnectedAsync(CancellationToken cancellationToken)
    {
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(BrokerStatus s)
        {
            if (s.State == BrokerState.Connected)
            {
                connected.TrySetResult();
            }
        }

        _monitor.Changed += OnChanged;
        try
        {
            if (_connection.ConnectionState != NatsConnectionState.Open)
            {
                await connected.Task.WaitAsync(cancellationToken);
            }
        }
        finally
        {
            _monitor.Changed -= OnChanged;
        }
    }

    private async Task WaitSubscribedAsync(CancellationToken cancellationToken)
    {
        var settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(BrokerStatus s)
        {
            // Every subscription in place or refused (a refused one is retried; it cannot hold the replay back).
            if (s.Subscriptions + s.RefusedSubjects.Count >= s.ExpectedSubscriptions)
            {
                settled.TrySetResult();
            }
        }

        _monitor.Changed += OnChanged;
        try
        {
            OnChanged(_monitor.Current);
            await settled.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            _monitor.Changed -= OnChanged;
        }
    }

    private static DateTimeOffset LastTimestamp(StreamState state) =>
        DateTimeOffset.TryParse(state.LastTs, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : DateTimeOffset.MaxValue;

    /// <summary>
    /// One stream: where it ended before the live subscriptions (<see cref="StartSeq"/>; null when it could not be located
    /// then) and once they were in place (<see cref="EndSeq"/>).
    /// </summary>
    private sealed class Plan(string stream, ulong? startSeq)
    {
        public string Stream { get; } = stream;

        /// <summary>The stream's last sequence before the live subscriptions existed; null for a stream located late.</summary>
        public ulong? StartSeq { get; } = startSeq;

        /// <summary>
        /// For a stream located late: the stream time from which a message may also have come live (the live
        /// subscriptions' start, less <see cref="ClockAllowance"/> for the broker's clock).
        /// </summary>
        public DateTimeOffset SuspectFrom { get; set; } = DateTimeOffset.MinValue;

        public ulong EndSeq { get; set; }

        /// <summary>Where the stream ends (<see cref="EndSeq"/>, <see cref="EndTime"/>) has been noted.</summary>
        public bool Marked { get; set; }

        public DateTimeOffset EndTime { get; set; }

        /// <summary>
        /// How far the broker's clock may be behind ours for a stream located late: a message the stream took up to this
        /// long before the live subscriptions started is still checked against what they delivered.
        /// </summary>
        public static readonly TimeSpan ClockAllowance = TimeSpan.FromMinutes(1);

        public static Plan Deferred(string stream) => new(stream, null);

        /// <summary>True when the live subscriptions may have delivered this message too (it is checked against them).</summary>
        public bool MayHaveComeLive(NatsJSMsgMetadata meta) =>
            StartSeq is { } start ? meta.Sequence.Stream > start : meta.Timestamp >= SuspectFrom;
    }
}
