using System.Collections.Concurrent;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChoriaDashboard.Tests.Infrastructure;

/// <summary>
/// A reader of the app's fleet stream, registered ahead of every other hosted service so it sees the replay from its
/// first update: it records every node that turned stale or dead and every death told as news, with whether the replay
/// was still running then.
/// </summary>
public sealed class FleetRecorder : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private IFleetView? _fleet;
    private Task? _loop;
    private int _stopped;
    private int _disposed;

    /// <summary>Nodes seen stale or dead, as judged (with what the dashboard last heard of them then).</summary>
    public ConcurrentQueue<Judgement> Judged { get; } = new();

    /// <summary>Deaths told as news.</summary>
    public ConcurrentQueue<FleetNews> Deaths { get; } = new();

    /// <summary>Updates read so far.</summary>
    public int Updates => Volatile.Read(ref _updates);

    private int _updates;

    /// <summary>Registers a recorder as the app's first hosted service; returns it.</summary>
    public static FleetRecorder AddTo(IServiceCollection services)
    {
        var recorder = new FleetRecorder();
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => recorder.Attach(sp.GetRequiredService<IFleetView>())));
        return recorder;
    }

    /// <remarks>
    /// The container may dispose the recorder before the host has stopped it (seen once in eleven runs of the cluster
    /// replay tests: the test hung). Disposing a token source drops its registrations without running them, so the read
    /// waiting on it would never end and <see cref="StopAsync"/> would wait for ever: the read is cancelled first.
    /// </remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stop.Cancel();
            _stop.Dispose();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = ReadAsync(_fleet!.Subscribe());
        return Task.CompletedTask;
    }

    // The host may stop its services more than once as the factory is disposed: stopping again changes nothing.
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        try
        {
            await _stop.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // Disposed first, which cancelled the read.
        }
        try
        {
            await (_loop ?? Task.CompletedTask);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private FleetRecorder Attach(IFleetView fleet)
    {
        _fleet = fleet;
        return this;
    }

    /// <summary>A node seen stale or dead.</summary>
    /// <param name="Node">The node as judged: its state, and its last-seen time and version then.</param>
    /// <param name="Replaying">The replay of Choria Streams was still running in that update.</param>
    /// <param name="At">When the writer judged it (the update's <see cref="FleetSummary.AsOf"/>).</param>
    public sealed record Judgement(NodeSnapshot Node, bool Replaying, DateTimeOffset At)
    {
        public override string ToString() =>
            $"{Node.Key} {Node.State} at {At:HH:mm:ss.fff} (last seen {Node.LastSeen:HH:mm:ss.fff} on {Node.Version}){(Replaying ? " while replaying" : "")}";
    }

    private async Task ReadAsync(BroadcastSubscription<FleetUpdate> subscription)
    {
        using (subscription)
        {
            await foreach (var update in subscription.ReadAllAsync(_stop.Token))
            {
                Interlocked.Increment(ref _updates);
                var replaying = update.Currency.Replay is not null;
                foreach (var node in update.ChangedNodes.Where(n => n.State is NodeState.Stale or NodeState.Dead))
                {
                    Judged.Enqueue(new Judgement(node, replaying, update.Summary.AsOf));
                }

                foreach (var news in update.News.Where(n => n.Kind == NewsKind.Died))
                {
                    Deaths.Enqueue(news);
                }
            }
        }
    }
}
