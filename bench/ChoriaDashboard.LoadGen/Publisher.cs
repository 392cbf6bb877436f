using System.Diagnostics;
using NATS.Client.Core;

namespace ChoriaDashboard.LoadGen;

/// <summary>Publishes pre-encoded messages: as fast as NATS takes them, at a rate, windowed against a consumer, or steadily.</summary>
internal sealed class Publisher : IAsyncDisposable
{
    private readonly NatsConnection _connection;

    /// <param name="reconnectWait">
    /// Between reconnect attempts after the broker went away (the client's default is 2 s, doubling to 5 s): short, so a
    /// fleet publishing through broker restarts is back as soon as the broker is.
    /// </param>
    public Publisher(string url, string name = "choria-loadgen", TimeSpan? reconnectWait = null) =>
        _connection = new NatsConnection(NatsOpts.Default with
        {
            Url = url,
            Name = name,
            WriterBufferSize = 4 * 1024 * 1024,
            ReconnectWaitMin = reconnectWait ?? NatsOpts.Default.ReconnectWaitMin,
            ReconnectWaitMax = reconnectWait ?? NatsOpts.Default.ReconnectWaitMax,
        });

    public long Published { get; private set; }

    public Task ConnectAsync() => _connection.ConnectAsync().AsTask();

    public ValueTask PublishAsync(Msg m, CancellationToken ct = default)
    {
        Published++;
        return _connection.PublishAsync(m.Subject, m.Body, m.Headers, cancellationToken: ct);
    }

    /// <summary>Waits until the server has everything published so far.</summary>
    public async Task FlushAsync() => await _connection.PingAsync();

    /// <summary>Publishes all of <paramref name="messages"/> as fast as the client takes them; returns when the last write returned.</summary>
    public async Task<TimeSpan> BlastAsync(IReadOnlyList<Msg> messages, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < messages.Count; i++)
        {
            await PublishAsync(messages[i], ct);
        }

        return sw.Elapsed;
    }

    /// <summary>Publishes at <paramref name="perSecond"/> messages per second, in 10 ms slices.</summary>
    public async Task<TimeSpan> PacedAsync(IReadOnlyList<Msg> messages, double perSecond, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var sent = 0;
        while (sent < messages.Count)
        {
            var due = Math.Min(messages.Count, (long)(sw.Elapsed.TotalSeconds * perSecond) + 1);
            while (sent < due)
            {
                await PublishAsync(messages[sent++], ct);
            }

            await Task.Delay(10, ct);
        }

        return sw.Elapsed;
    }

    /// <summary>
    /// Publishes <paramref name="rounds"/> passes over <paramref name="messages"/> as fast as the consumer takes them: never
    /// more than <paramref name="window"/> ahead of <paramref name="consumed"/>, so the consumer is always busy but no
    /// buffer overflows (an unbounded blast measures the slow-consumer drop path, not the ingest). Gives up when the
    /// consumer makes no progress for <paramref name="stall"/>.
    /// </summary>
    public async Task<WindowedResult> WindowedAsync(IReadOnlyList<Msg> messages, int rounds, Func<long> consumed, int window, TimeSpan stall, TimeSpan? duration = null, CancellationToken ct = default)
    {
        var total = (long)messages.Count * rounds;
        var start = consumed();
        var sw = Stopwatch.StartNew();
        var lastProgress = sw.Elapsed;
        var lastConsumed = start;
        long sent = 0;
        while (sent < total && (duration is null || sw.Elapsed < duration))
        {
            var done = consumed() - start;
            if (done != lastConsumed)
            {
                lastConsumed = done;
                lastProgress = sw.Elapsed;
            }

            if (sent - done >= window)
            {
                if (sw.Elapsed - lastProgress > stall)
                {
                    return new WindowedResult(sent, sw.Elapsed, Stalled: true);
                }

                await FlushAsync();
                await Task.Delay(1, ct);
                continue;
            }

            var burst = Math.Min(total - sent, Math.Min(1024, window - (sent - done)));
            for (var k = 0; k < burst; k++)
            {
                await PublishAsync(messages[(int)(sent % messages.Count)], ct);
                sent++;
            }
        }

        await FlushAsync();
        return new WindowedResult(sent, sw.Elapsed, Stalled: false);
    }

    /// <summary>
    /// Steady load: every <paramref name="interval"/> the whole <paramref name="cycle"/> goes out once, spread evenly
    /// (each node at its own moment in the interval). Stops after <paramref name="duration"/> or when cancelled.
    /// </summary>
    public async Task<long> SteadyAsync(IReadOnlyList<Msg> cycle, TimeSpan interval, TimeSpan duration, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var perSecond = cycle.Count / interval.TotalSeconds;
        long sent = 0;
        try
        {
            while (sw.Elapsed < duration && !ct.IsCancellationRequested)
            {
                var due = (long)(sw.Elapsed.TotalSeconds * perSecond);
                while (sent < due)
                {
                    await PublishAsync(cycle[(int)(sent % cycle.Count)], ct);
                    sent++;
                }

                await Task.Delay(20, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        await FlushAsync();
        return sent;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}

internal readonly record struct WindowedResult(long Sent, TimeSpan Elapsed, bool Stalled);

/// <summary>A plain NATS.Client.Core subscriber that only counts: the broker-and-client ceiling the app is compared with.</summary>
internal sealed class RawCounter : IAsyncDisposable
{
    private readonly NatsConnection _connection;
    private readonly CancellationTokenSource _cts = new();
    private Task? _loop;
    private long _count;

    public RawCounter(string url) =>
        _connection = new NatsConnection(NatsOpts.Default with
        {
            Url = url,
            Name = "choria-raw-counter",
            // The app's settings (Nats:PendingMessagesLimit), so both can buffer the same.
            SubPendingChannelCapacity = 65_536,
            SubPendingChannelFullMode = System.Threading.Channels.BoundedChannelFullMode.DropNewest,
        });

    public long Count => Interlocked.Read(ref _count);

    public async Task StartAsync(string subject)
    {
        await _connection.ConnectAsync();
        var sub = await _connection.SubscribeCoreAsync<NatsMemoryOwner<byte>>(subject);
        await _connection.PingAsync();
        _loop = Task.Run(async () =>
        {
            try
            {
                await foreach (var msg in sub.Msgs.ReadAllAsync(_cts.Token))
                {
                    // Same type as the app reads (pooled bytes), touched and returned: the floor of any consumer.
                    using var body = msg.Data;
                    if (body.Length >= 0)
                    {
                        Interlocked.Increment(ref _count);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                await sub.DisposeAsync();
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        await _connection.DisposeAsync();
        _cts.Dispose();
    }
}
