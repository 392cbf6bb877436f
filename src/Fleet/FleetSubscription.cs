using System.Threading.Channels;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Store;

namespace ChoriaDashboard.Fleet;

/// <summary>
/// A reader's view: the summary when it subscribed, then every change batch. If the reader falls more than
/// <c>Fleet:SubscriberBufferSize</c> batches behind, batches are dropped for it and <see cref="Lagged"/> is set:
/// it must <see cref="Resync"/>, which hands it the current summary. The store never waits for a reader.
/// </summary>
public sealed class FleetSubscription : IDisposable
{
    private readonly FleetStore? _store;
    private readonly Channel<FleetChanges> _channel;
    private int _lagged;

    internal FleetSubscription(FleetStore? store, FleetSummary initial, int capacity)
    {
        _store = store;
        Initial = initial;
        _channel = Channel.CreateBounded<FleetChanges>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>For tests and fakes: a subscription fed by hand.</summary>
    public static FleetSubscription CreateDetached(FleetSummary initial, int capacity = 1024) => new(null, initial, capacity);

    public FleetSummary Initial { get; }

    public ChannelReader<FleetChanges> Changes => _channel.Reader;

    public bool Lagged => Volatile.Read(ref _lagged) == 1;

    /// <summary>True once the reader has let go of it.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Hands a batch to the reader without waiting; marks the subscription lagged when its buffer is full.</summary>
    public void Offer(FleetChanges changes)
    {
        if (Lagged || !_channel.Writer.TryWrite(changes))
        {
            Volatile.Write(ref _lagged, 1);
        }
    }

    /// <summary>Clears the lagged flag and returns the current summary to rebuild from.</summary>
    public FleetSummary Resync()
    {
        while (_channel.Reader.TryRead(out _))
        {
        }

        Volatile.Write(ref _lagged, 0);
        return _store?.CurrentSummaryLocked() ?? Initial;
    }

    public void Dispose()
    {
        IsDisposed = true;
        _store?.Unsubscribe(this);
        _channel.Writer.TryComplete();
    }
}
