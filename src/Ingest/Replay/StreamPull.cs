using System.Globalization;
using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace ChoriaDashboard.Ingest.Replay;

/// <summary>
/// One consumer on a stream for one attempt of a replay read, and the pulls on it. Each pull asks for at most a number
/// of messages <em>and</em> a number of bytes (the JetStream API takes both; the client's own fetch takes one or the
/// other), answered into one inbox whose buffer holds a whole pull: nothing is dropped, and a pull costs at most its
/// bytes however large the messages are. A message missing in the consumer's sequence, a status other than the end of a
/// pull, a subscription that ends, or the connection to the broker lost while the consumer lives throws
/// <see cref="ReplayInterruptedException"/>: the caller starts a new consumer after the last message it applied.
/// </summary>
internal sealed class StreamPull : IAsyncDisposable
{
    /// <summary>How long a best-effort clean-up of the consumer may take; the broker drops it when idle anyway.</summary>
    private static readonly TimeSpan DeleteTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a pull may go unanswered before the consumer is looked up: a pull to a consumer deleted under the replay
    /// (by an operator, or lost in a broker restart) is never answered, and <c>Replay:StallTimeout</c> is long.
    /// </summary>
    private static readonly TimeSpan ProbeAfter = TimeSpan.FromSeconds(1);

    private readonly INatsConnection _connection;
    private readonly NatsJSContext _js;
    private readonly TimeProvider _time;
    private readonly string _stream;
    private readonly string _consumer;
    private readonly INatsSub<NatsMemoryOwner<byte>> _inbox;
    private readonly string _next;

    // Cancelled when the connection drops (the client then connects again, perhaps to another broker of a cluster): a
    // pull answered towards the old connection is lost, and waiting for it would take Replay:StallTimeout.
    private readonly CancellationTokenSource _lost = new();
    private ulong _delivered;

    private StreamPull(INatsConnection connection, NatsJSContext js, TimeProvider time, string stream, string consumer, INatsSub<NatsMemoryOwner<byte>> inbox)
    {
        _connection = connection;
        _js = js;
        _time = time;
        _stream = stream;
        _consumer = consumer;
        _inbox = inbox;
        _next = $"{js.Opts.Prefix}.CONSUMER.MSG.NEXT.{stream}.{consumer}";
        _connection.ConnectionDisconnected += OnDisconnected;
    }

    private ValueTask OnDisconnected(object? sender, NatsEventArgs e)
    {
        try
        {
            _lost.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The read ended as the connection dropped.
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Creates an ephemeral, unacknowledged consumer from <paramref name="config"/> (its delivery start and filter) and
    /// the inbox for pulls of at most <paramref name="batch"/> messages.
    /// </summary>
    public static async Task<StreamPull> StartAsync(INatsConnection connection, NatsJSContext js, TimeProvider time, string stream, ConsumerConfig config, int batch, CancellationToken cancellationToken)
    {
        var name = "dashboard-replay-" + Guid.NewGuid().ToString("N");
        config.Name = name;
        config.AckPolicy = ConsumerConfigAckPolicy.None;
        config.MemStorage = true;
        config.NumReplicas = 1;

        // The broker removes it once idle, should the clean-up below not reach it (a broker gone at that moment).
        config.InactiveThreshold = TimeSpan.FromMinutes(1);
        await js.CreateOrUpdateConsumerAsync(stream, config, cancellationToken);
        // Under the inbox prefix the broker lets the dashboard subscribe to, but not the client's own request inboxes
        // (whose replies it routes to its requests).
        var inbox = await connection.SubscribeCoreAsync<NatsMemoryOwner<byte>>(
            $"{connection.Opts.InboxPrefix}.replay.{Guid.NewGuid():N}",
            opts: new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = (batch * 2) + 16 } },
            cancellationToken: cancellationToken);
        return new StreamPull(connection, js, time, stream, name, inbox);
    }

    /// <summary>
    /// One pull: what the broker has, up to <paramref name="batch"/> messages and <paramref name="maxBytes"/> bytes; empty
    /// when it has nothing pending for the consumer. The caller disposes each message's data.
    /// </summary>
    public async Task<List<PulledMessage>> NextAsync(int batch, int maxBytes, CancellationToken cancellationToken)
    {
        ThrowIfLost();
        var request = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"batch\":{batch},\"max_bytes\":{maxBytes},\"no_wait\":true}}"));
        await _connection.PublishAsync(_next, request, replyTo: _inbox.Subject, cancellationToken: cancellationToken);
        var pulled = new List<PulledMessage>();
        long bytesLeft = maxBytes;
        try
        {
            while (await WaitAsync(cancellationToken))
            {
                while (_inbox.Msgs.TryRead(out var msg))
                {
                    if (msg.Headers is { Code: > 0 } status)
                    {
                        msg.Data.Dispose();

                        // The pull's end: nothing pending (404), the end of the stream reached (408), or the next message
                        // would not fit in what is left of the bytes (409, the next pull takes it).
                        if (status.Code is 404 or 408 || (status.Code == 409 && pulled.Count > 0 && status.MessageText.Contains("MaxBytes", StringComparison.Ordinal)))
                        {
                            return pulled;
                        }

                        throw new ReplayInterruptedException($"the broker ended the read of {_stream}: {status.Code} {status.MessageText}");
                    }

                    if (new NatsJSMsg<NatsMemoryOwner<byte>>(msg, _js).Metadata is not { } meta || meta.Sequence.Consumer != _delivered + 1)
                    {
                        msg.Data.Dispose();
                        throw new ReplayInterruptedException($"message {_delivered + 1} of the replay of {_stream} did not arrive");
                    }

                    _delivered = meta.Sequence.Consumer;
                    pulled.Add(new PulledMessage(msg, meta));

                    // The broker counts a message's bytes as the client does (subject, reply subject, headers, data).
                    bytesLeft -= msg.Size;
                    if (pulled.Count >= batch || bytesLeft <= 0)
                    {
                        return pulled;
                    }
                }
            }

            throw new ReplayInterruptedException($"the subscription for the replay of {_stream} ended");
        }
        catch
        {
            foreach (var p in pulled)
            {
                p.Msg.Data.Dispose();
            }

            throw;
        }
    }

    /// <summary>Waits for the pull's next message, making sure now and then that the consumer still exists.</summary>
    private async Task<bool> WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            using var probe = new CancellationTokenSource(ProbeAfter, _time);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, probe.Token, _lost.Token);
            try
            {
                return await _inbox.Msgs.WaitToReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                ThrowIfLost();
                try
                {
                    await _js.GetConsumerAsync(_stream, _consumer, cancellationToken);
                }
                catch (NatsJSApiException e) when (e.Error.Code == 404)
                {
                    throw new ReplayInterruptedException($"the consumer reading {_stream} was deleted");
                }
            }
        }
    }

    private void ThrowIfLost()
    {
        if (_lost.IsCancellationRequested)
        {
            throw new ReplayInterruptedException($"the connection to the broker was lost during the read of {_stream}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _connection.ConnectionDisconnected -= OnDisconnected;
        _lost.Dispose();
        await _inbox.DisposeAsync();
        if (_connection.ConnectionState != NatsConnectionState.Open)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(DeleteTimeout);
            await _js.DeleteConsumerAsync(_stream, _consumer, timeout.Token);
        }
        catch (Exception e) when (e is NatsException or OperationCanceledException)
        {
            // Left to the broker's inactivity clean-up.
        }
    }
}

/// <summary>A message of a pull with its JetStream metadata (stream sequence and time, messages pending).</summary>
internal readonly record struct PulledMessage(NatsMsg<NatsMemoryOwner<byte>> Msg, NatsJSMsgMetadata Meta);

/// <summary>A read that cannot go on as it is (a message missing, the broker ended it, an empty pull before the end); the next attempt resumes.</summary>
internal sealed class ReplayInterruptedException(string message) : Exception(message);
