using System.Collections.Concurrent;
using ChoriaDashboard.Tests.Infrastructure;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Cluster;

/// <summary>
/// Steady load as a running fleet sends it: <c>nodes</c> servers spread over publishers each connected to one broker
/// (node <c>i</c> on broker <c>i % brokers</c>), each sending its startup, then an alive every <c>every</c>, in all three
/// wire shapes. Every event carries an id of its own, remembered with when it was sent, so a test can account for each
/// one: applied once, applied twice, or lost (and when it was sent).
/// </summary>
public sealed class AliveLoad : IAsyncDisposable
{
    private static readonly WireFormat[] Shapes = [WireFormat.Legacy, WireFormat.CloudEventStructured, WireFormat.CloudEventBinary];

    private readonly List<TestPublisher> _publishers;
    private readonly int _nodes;
    private readonly string _prefix;
    private readonly TimeSpan _every;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private int _rounds;

    /// <param name="urls">One broker URL per publisher.</param>
    /// <param name="nodes">Nodes in the fleet.</param>
    /// <param name="prefix">The identities' prefix (<c>{prefix}000042.ams1.example.net</c>).</param>
    /// <param name="every">The time between two alives of a node.</param>
    public AliveLoad(IEnumerable<string> urls, int nodes, string prefix, TimeSpan every)
    {
        _publishers = [.. urls.Select(u => new TestPublisher(u))];
        _nodes = nodes;
        _prefix = prefix;
        _every = every;
    }

    /// <summary>Each event's id, with when it was handed to its publisher.</summary>
    public ConcurrentDictionary<string, DateTimeOffset> Sent { get; } = new(StringComparer.Ordinal);

    /// <summary>Rounds of alives sent (every node once per round).</summary>
    public int Rounds => Volatile.Read(ref _rounds);

    /// <summary>The identity of node <paramref name="i"/>.</summary>
    public string NodeIdentity(int i) => Identity(i, _prefix);

    /// <summary>Publishes every node's startup (flushed), then starts the alives.</summary>
    public async Task StartAsync()
    {
        for (var i = 0; i < _nodes; i++)
        {
            await PublishAsync(i, Startup(NodeIdentity(i), id: Guid.NewGuid().ToString()));
        }

        await Task.WhenAll(_publishers.Select(p => p.FlushAsync()));
        _loop = Task.Run(SendAlivesAsync);
    }

    /// <summary>Stops the alives after the round in progress, and waits until the brokers have everything sent.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await (_loop ?? Task.CompletedTask);
        await Task.WhenAll(_publishers.Select(p => p.FlushAsync()));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var publisher in _publishers)
        {
            await publisher.DisposeAsync();
        }

        _stop.Dispose();
    }

    private async Task SendAlivesAsync()
    {
        using var timer = new PeriodicTimer(_every);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                for (var i = 0; i < _nodes; i++)
                {
                    await PublishAsync(i, Alive(NodeIdentity(i), id: Guid.NewGuid().ToString()));
                }

                await Task.WhenAll(_publishers.Select(p => p.FlushAsync()));
                Interlocked.Increment(ref _rounds);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped between two rounds.
        }
    }

    private async ValueTask PublishAsync(int i, ChoriaEvent evt)
    {
        Sent[evt.Id] = DateTimeOffset.UtcNow;
        await _publishers[i % _publishers.Count].PublishAsync(evt, Shapes[i % Shapes.Length]);
    }
}
