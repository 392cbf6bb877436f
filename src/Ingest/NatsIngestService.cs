using System.Threading.Channels;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Ingest.Connection;
using ChoriaDashboard.Ingest.Replay;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace ChoriaDashboard.Ingest;

/// <summary>
/// Passively subscribes to Choria's event subjects: one loop per subject, raw bytes in, decoded events out to the
/// fleet writer. A bad message is counted and logged, never fatal. Reconnects are the NATS client's job.
/// </summary>
public sealed class NatsIngestService : BackgroundService
{
    private readonly INatsConnection _connection;
    private readonly IFleetWriter _fleet;
    private readonly ChoriaEventDecoder _decoder;
    private readonly IngestCounters _counters;
    private readonly BrokerConnectionMonitor _monitor;
    private readonly NatsOptions _settings;
    private readonly BrokerConnectionSettings _connectionSettings;
    private readonly TimeProvider _time;
    private readonly ILogger<NatsIngestService> _logger;
    private readonly StreamReplay _replay;

    public NatsIngestService(
        INatsConnection connection,
        IFleetWriter fleet,
        ChoriaEventDecoder decoder,
        IngestCounters counters,
        BrokerConnectionMonitor monitor,
        IOptions<NatsOptions> settings,
        BrokerConnectionSettings connectionSettings,
        TimeProvider time,
        ILogger<NatsIngestService> logger,
        StreamReplay replay)
    {
        _replay = replay;
        _connection = connection;
        _fleet = fleet;
        _decoder = decoder;
        _counters = counters;
        _monitor = monitor;
        _settings = settings.Value;
        _connectionSettings = connectionSettings;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _monitor.Attach(_connection, _settings.Subjects.Length, _connectionSettings);
        _logger.LogInformation("Connecting to the broker at {Broker}", _connectionSettings);
        if (_connectionSettings.Warning is { } warning)
        {
            _logger.LogWarning("Insecure broker connection: {Warning}. Use this for labs only.", warning);
        }

        _connection.MessageDropped += (_, e) =>
        {
            _counters.Rejected(RejectionReason.Dropped, e.Subject, "the ingest fell behind and the NATS client dropped a message (Nats:PendingMessagesLimit)");
            return ValueTask.CompletedTask;
        };

        try
        {
            // The client retries in the background; stopping must not wait for a broker that refuses us.
            await _connection.ConnectAsync().AsTask().WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is NatsException && !stoppingToken.IsCancellationRequested)
        {
            // With RetryOnInitialConnect the client keeps trying in the background; subscribing waits for it.
            _monitor.Failed(e.Message);
            _monitor.ConnectionFailed(e);
            _logger.LogWarning("Could not connect to the broker at {Url} yet: {Reason} ({Error}). Retrying.", NatsOptions.Redact(_connectionSettings.Url), _monitor.Current.Reason ?? "unknown reason", BrokerConnectionMonitor.Describe(e));
        }

        _monitor.Observe(_connection.ConnectionState);

        // Where the streams end before the live subscriptions exist, then live first and the replay behind it: no gap.
        await _replay.PrepareAsync(stoppingToken);
        var loops = _settings.Subjects.Select(subject => SubscribeAsync(subject, stoppingToken)).ToList();
        loops.Add(_replay.RunAsync(stoppingToken));
        await Task.WhenAll(loops);
    }

    private async Task SubscribeAsync(string subscription, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var sub = await _connection.SubscribeCoreAsync<NatsMemoryOwner<byte>>(subscription, cancellationToken: stoppingToken);
                _monitor.SubscriptionStarted(subscription);
                _monitor.Observe(_connection.ConnectionState);
                _logger.LogInformation("Subscribed to {Subject}", subscription);
                try
                {
                    await DrainAsync(subscription, sub.Msgs, stoppingToken);
                }
                finally
                {
                    _monitor.SubscriptionEnded();
                }

                if (!stoppingToken.IsCancellationRequested)
                {
                    // The client ended the subscription (e.g. the server refused it after a reconnect).
                    _logger.LogWarning("Subscription to {Subject} ended; subscribing again in {Delay}", subscription, _settings.ResubscribeDelay);
                    _monitor.SubscriptionFailed($"subscription to {subscription} ended");
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The client re-subscribes across reconnects by itself; we only get here if the subscription itself
                // failed (e.g. a permissions error). Readiness drops with the subscription count; try again, slowly.
                _logger.LogError(e, "Subscription to {Subject} failed; retrying in {Delay}", subscription, _settings.ResubscribeDelay);
                _monitor.SubscriptionFailed(e.Message);
                if (BrokerFailureReason.Describe(e.Message, null, _time.GetUtcNow()) == BrokerFailureReason.SubscriptionRefused)
                {
                    _monitor.SubscriptionRefused(subscription, BrokerFailureReason.SubscriptionRefused);
                }
            }

            await Task.Delay(_settings.ResubscribeDelay, _time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Decodes what the subscription has ready and hands it to the fleet writer in batches: when a batch is full, and
    /// whenever the subscription has nothing more for the moment, so a lone event is never held back.
    /// </summary>
    private async Task DrainAsync(string subscription, ChannelReader<NatsMsg<NatsMemoryOwner<byte>>> messages, CancellationToken stoppingToken)
    {
        var batch = new IngestBatch();
        while (await messages.WaitToReadAsync(stoppingToken))
        {
            while (messages.TryRead(out var msg))
            {
                Handle(subscription, msg, batch);
                if (batch.IsFull)
                {
                    await _fleet.EnqueueAsync(batch, stoppingToken);
                    batch = new IngestBatch(IngestBatch.MaxCount);
                }
            }

            if (batch.Count > 0)
            {
                await _fleet.EnqueueAsync(batch, stoppingToken);
                batch = new IngestBatch();
            }
        }
    }

    private void Handle(string subscription, NatsMsg<NatsMemoryOwner<byte>> msg, IngestBatch batch)
    {
        _counters.Received(subscription);
        using var body = msg.Data;
        if (msg.Error is { } error)
        {
            _counters.Rejected(RejectionReason.NotJson, msg.Subject, error.Message);
            return;
        }

        _replay.SeenLive(msg.Subject, body.Memory.Span, msg.Headers);
        DecodeResult result;
        try
        {
            result = _decoder.Decode(body.Memory, msg.Headers);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The decoder turns bad input into rejections; should a bug slip through, one message must never
            // end the subscription. Count it, log it (rate-limited) and go on.
            _counters.Rejected(RejectionReason.InvalidValue, msg.Subject, $"decoder failed: {e.GetType().Name}: {UntrustedText.Excerpt(e.Message)}");
            return;
        }

        if (result.Event is { } evt)
        {
            batch.Add(evt, msg.Subject, _time.GetUtcNow());
        }
        else
        {
            _counters.Rejected(result.Reason, msg.Subject, result.Detail);
        }
    }
}
