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
    /// <summary>Where <paramref name="name"/> ends now; null when it cannot be replayed (missing, created empty, no rights).</summary>
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
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Unavailable(name, e);
        }

        return null;
    }

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

    /// <summary>One stream: where it ended before the live subscriptions (<see cref="StartSeq"/>) and once they were in place.</summary>
    private sealed class Plan(string stream, ulong startSeq)
    {
        public string Stream { get; } = stream;

        public ulong StartSeq { get; } = startSeq;

        public ulong EndSeq { get; set; }

        /// <summary>Where the stream ends (<see cref="EndSeq"/>, <see cref="EndTime"/>) has been noted.</summary>
        public bool Marked { get; set; }

        public DateTimeOffset EndTime { get; set; }
    }
}
