using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace ChoriaDashboard.Api.Metrics;

/// <summary>
/// Tally's leader election (go-choria <c>providers/election/streams/election.go</c>) for replicas that name the same
/// <c>Metrics:Election</c> campaign: each campaigns in the <c>CHORIA_LEADER_ELECTION</c> key-value bucket every three
/// quarters of the bucket's TTL. A candidate wins by creating the campaign's key (it exists only while a leader renews
/// it); the leader keeps it by updating it at the revision it last wrote. Unlike tally, leadership is a lease read at
/// scrape time (<see cref="IsLeader"/>): the leader holds it until one TTL after its last successful write, which is
/// no later than the key can expire and another replica win, so two replicas never both say <c>active="1"</c> and a
/// leader cut off from the broker stops saying so by itself. A leader that stops deletes the key, so a candidate
/// takes over at its next campaign rather than after the TTL.
/// </summary>
public sealed partial class LeaderElection(IOptions<MetricsOptions> options, INatsConnection connection, TimeProvider time, ILogger<LeaderElection> logger)
    : BackgroundService
{
    private readonly string _campaign = options.Value.Election;
    // The host name, as tally's; made unique, as two replicas may share a host.
    private readonly string _name = $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}";
    private INatsKVStore? _store;
    private ulong _revision;
    private long _leaseUntil = long.MinValue;

    /// <summary>Whether this replica's tally families say <c>active="1"</c> now: always without an election.</summary>
    public bool IsLeader => string.IsNullOrEmpty(_campaign) || time.GetTimestamp() < Interlocked.Read(ref _leaseUntil);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrEmpty(_campaign))
        {
            return;
        }

        try
        {
            LogStarting(logger, _campaign, _name);
            var kv = new NatsKVContext(new NatsJSContext(connection));
            var (store, ttl) = await OpenAsync(kv, stoppingToken);
            _store = store;
            var interval = ttl * 0.75;
            while (!stoppingToken.IsCancellationRequested)
            {
                await CampaignAsync(store, ttl, stoppingToken);
                await Task.Delay(interval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_store is { } store && IsLeader)
        {
            Interlocked.Exchange(ref _leaseUntil, long.MinValue);
            try
            {
                // Stepping down: the next candidate to campaign wins, without waiting for the TTL.
                await store.TryDeleteAsync(_campaign, new NatsKVDeleteOpts { Revision = _revision }, cancellationToken);
                LogLost(logger, _campaign, "stopping");
            }
            catch (Exception e) when (e is ObjectDisposedException or NatsException or OperationCanceledException)
            {
                // The connection is gone already: the key expires after the bucket's TTL and another replica wins then.
                LogLost(logger, _campaign, $"stopping; could not step down ({e.Message}), the key expires after the bucket's TTL");
            }
        }
    }

    private async Task<(INatsKVStore Store, TimeSpan Ttl)> OpenAsync(NatsKVContext kv, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                INatsKVStore store;
                try
                {
                    store = await kv.GetStoreAsync(MetricsOptions.ElectionBucket, stoppingToken);
                }
                catch (NatsKVException)
                {
                    store = await kv.CreateStoreAsync(new NatsKVConfig(MetricsOptions.ElectionBucket) { MaxAge = options.Value.ElectionTtl }, stoppingToken);
                }
                catch (NatsJSApiException e) when (e.Error.Code == 404)
                {
                    store = await kv.CreateStoreAsync(new NatsKVConfig(MetricsOptions.ElectionBucket) { MaxAge = options.Value.ElectionTtl }, stoppingToken);
                }

                var status = await store.GetStatusAsync(stoppingToken);
                var ttl = status.Info.Config.MaxAge;
                if (ttl < TimeSpan.FromSeconds(4))
                {
                    ttl = options.Value.ElectionTtl;
                    LogNoTtl(logger, MetricsOptions.ElectionBucket, ttl);
                }

                return (store, ttl);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogBucketFailed(logger, MetricsOptions.ElectionBucket, e.Message);
                await Task.Delay(delay, time, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    private async Task CampaignAsync(INatsKVStore store, TimeSpan ttl, CancellationToken stoppingToken)
    {
        var started = time.GetTimestamp();
        var leading = IsLeader;
        try
        {
            var result = leading
                ? await store.TryUpdateAsync(_campaign, _name, _revision, cancellationToken: stoppingToken)
                : await store.TryCreateAsync(_campaign, _name, cancellationToken: stoppingToken);
            if (result.Success)
            {
                _revision = result.Value;
                // The key expires one TTL after this write at the earliest: the lease runs from before it was sent.
                Interlocked.Exchange(ref _leaseUntil, started + (long)(ttl.TotalSeconds * time.TimestampFrequency));
                if (!leading)
                {
                    LogWon(logger, _campaign);
                }
            }
            else if (leading)
            {
                Interlocked.Exchange(ref _leaseUntil, long.MinValue);
                LogLost(logger, _campaign, result.Error.Message);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // No answer from the broker: the lease runs out by itself if this goes on.
            LogCampaignFailed(logger, _campaign, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Starting leader election in campaign {Campaign} as {Name}")]
    private static partial void LogStarting(ILogger logger, string campaign, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Became leader in campaign {Campaign}: tally's families say active=\"1\"")]
    private static partial void LogWon(ILogger logger, string campaign);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lost leadership in campaign {Campaign}: {Reason}")]
    private static partial void LogLost(ILogger logger, string campaign, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Campaigning in {Campaign} failed: {Error}")]
    private static partial void LogCampaignFailed(ILogger logger, string campaign, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot open the key-value bucket {Bucket} for leader election, retrying: {Error}")]
    private static partial void LogBucketFailed(ILogger logger, string bucket, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The key-value bucket {Bucket} has no TTL of 4 s or more; campaigning as if it were {Ttl}")]
    private static partial void LogNoTtl(ILogger logger, string bucket, TimeSpan ttl);
}
