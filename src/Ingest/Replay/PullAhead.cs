using System.Threading.Channels;

namespace ChoriaDashboard.Ingest.Replay;

/// <summary>
/// The pulls of one replay read, asked of the broker ahead of the one being applied, so the broker's sending overlaps
/// the decoding and the fleet writer's work instead of taking turns with them. At most <c>Replay:PullsInFlight</c>
/// pulls are held at once (the one being applied, those waiting to be, and the one being received), so memory stays
/// within that many times <c>Replay:PullMaxBytes</c> per read; 1 asks for the next pull only once the last was applied.
/// Pulls come out in the order they were asked. When pulling fails, the pulls that arrived whole before come out first
/// and then <see cref="ReadAsync"/> throws that failure: the read resumes after the last message it applied, so none is
/// lost or applied twice.
/// </summary>
internal sealed class PullAhead : IAsyncDisposable
{
    private readonly Channel<List<PulledMessage>> _ready = Channel.CreateUnbounded<List<PulledMessage>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stop;
    private readonly Task _pulling;
    private readonly Action<int>? _onHeld;
    private int _held;
    private int _mostHeld;

    /// <param name="inFlight">Pulls held at once, at least 1.</param>
    /// <param name="next">
    /// Asks for and receives one pull; true with it when it is the read's last (the producer stops). Throws when the read
    /// cannot go on. Called on one task, one call at a time.
    /// </param>
    /// <param name="onHeld">Told the pulls held each time one more is asked for; none when null.</param>
    /// <param name="cancellationToken">Stops the pulling (the read's watchdog, or the app stopping).</param>
    public PullAhead(int inFlight, Func<CancellationToken, Task<(List<PulledMessage> Pulled, bool Last)>> next, Action<int>? onHeld, CancellationToken cancellationToken)
    {
        _onHeld = onHeld;
        _slots = new SemaphoreSlim(Math.Max(1, inFlight));
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _pulling = PullAllAsync(next, _stop.Token);
    }

    /// <summary>The most pulls held at once so far (asked, arrived or being applied).</summary>
    public int MostHeld => Volatile.Read(ref _mostHeld);

    /// <summary>
    /// The next pull in order; null once the last has come out. Throws what stopped the pulling once every pull that
    /// arrived before it has come out. The caller disposes each message's data and then calls <see cref="Applied"/>.
    /// </summary>
    public async Task<List<PulledMessage>?> ReadAsync(CancellationToken cancellationToken)
    {
        if (await _ready.Reader.WaitToReadAsync(cancellationToken) && _ready.Reader.TryRead(out var pulled))
        {
            return pulled;
        }

        await _pulling;
        return null;
    }

    /// <summary>The pull last read has been applied and its buffers returned: its place may be taken by the next.</summary>
    public void Applied()
    {
        Interlocked.Decrement(ref _held);
        _slots.Release();
    }

    private async Task PullAllAsync(Func<CancellationToken, Task<(List<PulledMessage> Pulled, bool Last)>> next, CancellationToken cancellationToken)
    {
        // Not on the reader's own continuation: the first pull starts at once.
        await Task.Yield();
        try
        {
            while (true)
            {
                await _slots.WaitAsync(cancellationToken);
                var held = Interlocked.Increment(ref _held);
                if (held > Volatile.Read(ref _mostHeld))
                {
                    Volatile.Write(ref _mostHeld, held);
                }

                _onHeld?.Invoke(held);

                var (pulled, last) = await next(cancellationToken);
                _ready.Writer.TryWrite(pulled);
                if (last)
                {
                    return;
                }
            }
        }
        finally
        {
            _ready.Writer.TryComplete();
        }
    }

    /// <summary>Stops pulling and returns the buffers of the pulls that were not read.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _pulling;
        }
        catch
        {
            // Stopped, or failed after the reader gave up on it: either way nothing more is read.
        }

        while (_ready.Reader.TryRead(out var pulled))
        {
            foreach (var p in pulled)
            {
                p.Msg.Data.Dispose();
            }
        }

        _stop.Dispose();
        _slots.Dispose();
    }
}
