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
    private IFleetView? _fleet;
    private BroadcastSubscription<FleetUpdate>? _subscription;
    private Task? _loop;

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
    /// The read ends when its subscription is disposed (the channel completes, which wakes a waiting read whatever else
    /// happens), never on a token: the container may dispose the recorder while the host is still stopping it, and a token
    /// source disposed while its cancellation was being delivered drops its callbacks unrun, so the read waited for ever
    /// (seen twice: a dump showed the source cancelled and disposed, and the read still waiting on it).
    /// </remarks>
    public void Dispose() => _subscription?.Dispose();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = _fleet!.Subscribe();
        _loop = ReadAsync(_subscription);
        return Task.CompletedTask;
    }

    // The host may stop its services more than once as the factory is disposed: stopping again changes nothing.
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        await (_loop ?? Task.CompletedTask);
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
            await foreach (var update in subscription.ReadAllAsync())
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
