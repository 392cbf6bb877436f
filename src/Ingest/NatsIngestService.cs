using System.Threading.Channels;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Raw;
using ChoriaDashboard.Fleet.Store;
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
    private readonly RawEventStore _raw;
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
        StreamReplay replay,
        RawEventStore? raw = null)
    {
        _replay = replay;
        _raw = raw ?? RawEventStore.None;
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

        if (_connectionSettings.TokenNotAfter is { } expires && expires < _time.GetUtcNow())
        {
            _logger.LogWarning("The Choria token (plugin.security.choria.token_file in {Source}) expired on {Expired:u}; the broker will refuse it. Issue a new token.", _connectionSettings.Source, expires);
        }

        _connection.MessageDropped += (_, e) =>
        {
            if (e.Subject.StartsWith(_connection.Opts.InboxPrefix, StringComparison.Ordinal))
            {
                // A replay pull's message (they come to an inbox): the replay fetches it again, so no event is missing.
                return ValueTask.CompletedTask;
            }

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

    /// <summary>
    /// Stops the loops (each ends its subscription), then closes the broker connection and says so: the last word of a
    /// clean stop (SIGTERM, <c>docker stop</c>). Hosted services stop in reverse order of registration, so the readers
    /// registered after the ingest that use the connection too (metrics' leader election, the demo fleet) have stopped
    /// by now; the writer, registered before, stops after and applies nothing more from here. Closing waits at most until
    /// <paramref name="cancellationToken"/> (the host's shutdown timeout): a client that will not close (a reconnect
    /// stuck on a dead socket) must not keep the process from exiting.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await _connection.DisposeAsync().AsTask().WaitAsync(cancellationToken);
            _logger.LogInformation("Closed the connection to the broker at {Broker}: {Received:N0} messages received since start", _connectionSettings, _counters.ReceivedBySubscription.Values.Sum());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("Gave up closing the connection to the broker at {Broker}: the NATS client had not closed it when the host's shutdown timeout ran out; stopping without it", _connectionSettings);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogWarning(e, "Closing the connection to the broker failed");
        }
    }

    /// <summary>
    /// Keeps one subject subscribed for the life of the app. A subscription the broker refuses (permissions) is dropped
    /// and tried again every <c>Nats:ResubscribeDelay</c>, so rights granted later (a permissions reload on the broker)
    /// take effect without a restart; until then the subject stays listed as refused.
    /// </summary>
    private async Task SubscribeAsync(string subscription, CancellationToken stoppingToken)
    {
        var refusals = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            void OnRefused(string subject)
            {
                if (subject == subscription)
                {
                    attempt.Cancel();
                }
            }

            _monitor.Refused += OnRefused;
            try
            {
                await using var sub = await _connection.SubscribeCoreAsync<NatsMemoryOwner<byte>>(subscription, cancellationToken: attempt.Token);

                // NATS never acknowledges a SUB; a refusal is an -ERR, which the broker sends before its answer to a
                // later PING. So the subscription counts as started only after a round trip without a refusal.
                await _connection.PingAsync(attempt.Token);
                attempt.Token.ThrowIfCancellationRequested();
                _monitor.SubscriptionStarted(subscription);
                _monitor.Observe(_connection.ConnectionState);
                if (refusals > 0)
                {
                    _logger.LogInformation("Subscribed to {Subject} after {Refusals} refusals by the broker", subscription, refusals);
                    refusals = 0;
                }
                else
                {
                    _logger.LogInformation("Subscribed to {Subject}", subscription);
                }

                try
                {
                    await DrainAsync(subscription, sub.Msgs, attempt.Token);
                }
                finally
                {
                    _monitor.SubscriptionEnded();
                }

                if (!stoppingToken.IsCancellationRequested)
                {
                    // The client ended the subscription (e.g. the connection closed for good).
                    _logger.LogWarning("Subscription to {Subject} ended; subscribing again in {Delay}", subscription, _settings.ResubscribeDelay);
                    _monitor.SubscriptionFailed($"subscription to {subscription} ended");
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException) when (attempt.IsCancellationRequested)
            {
                // Refused by the broker's permissions: now, or after a reconnect in which the client re-subscribed.
                // The first refusal in a row is a warning; the retries every few seconds would flood the log.
                refusals++;
                _logger.Log(
                    refusals == 1 ? LogLevel.Warning : LogLevel.Debug,
                    "The broker refused the subscription to {Subject} ({Reason}; the user needs Choria's events_viewer rights); trying again every {Delay}",
                    subscription,
                    BrokerFailureReason.SubscriptionRefused,
                    _settings.ResubscribeDelay);
            }
            catch (Exception e)
            {
                // Anything else that ends a subscription (a connection that cannot be used): readiness drops with the
                // subscription count; try again, slowly.
                _logger.LogError(e, "Subscription to {Subject} failed; retrying in {Delay}", subscription, _settings.ResubscribeDelay);
                _monitor.SubscriptionFailed(e.Message);
                if (BrokerFailureReason.Describe(e.Message, null, _time.GetUtcNow()) == BrokerFailureReason.SubscriptionRefused)
                {
                    _monitor.SubscriptionRefused(subscription, BrokerFailureReason.SubscriptionRefused);
                }
            }
            finally
            {
                _monitor.Refused -= OnRefused;
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

        if (_replay.SeenLive(msg.Subject, body.Memory.Span, msg.Headers))
        {
            // The replay already applied this very message (the live loop lagged behind it).
            return;
        }

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
            var receivedAt = _time.GetUtcNow();
            var timestamp = _time.GetTimestamp();
            var rawId = _raw.Capture(msg.Subject, evt.Identity, evt.Format, receivedAt, msg.Headers, body.Memory.Span);
            batch.Add(evt, msg.Subject, receivedAt, rawId, timestamp: timestamp);
        }
        else
        {
            _counters.Rejected(result.Reason, msg.Subject, result.Detail);
        }
    }
}
