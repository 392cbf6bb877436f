using System.Collections.Concurrent;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>
/// A new reader of the fleet (what the hub, metrics and webhooks will be) needs one subscription and nothing of the
/// writer: a small reader that counts news by kind, against a real nats-server whose Choria Streams hold history that
/// the app replays at start, followed by live events.
/// </summary>
public sealed class NewsReaderTests : IClassFixture<NatsServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly NatsServerFixture _nats;

    public NewsReaderTests(NatsServerFixture nats) => _nats = nats;

    [Fact]
    public async Task NewsTally_HistoryThenLiveEvents_CountsEachKindOnceWithReplayedNewsFlagged()
    {
        await TestStreams.RecreateAsync(_nats.Url);
        await using (var history = new TestPublisher(_nats.Url))
        {
            await history.PublishAsync(Startup("old-1.example.net", "0.29.3"), WireFormat.CloudEventStructured);
            await history.PublishAsync(Startup("old-2.example.net", "0.29.3"), WireFormat.Legacy);
            await history.PublishAsync(Upgraded("old-2.example.net", "0.29.3", "0.29.4", ChoriaComponents.Server), WireFormat.CloudEventBinary);
            await history.PublishAsync(Shutdown("old-3.example.net"), WireFormat.Legacy);
            await history.PublishAsync(Nagios("old-1.example.net", "check_disk", 2, "DISK CRITICAL"), WireFormat.CloudEventStructured);
            await history.FlushAsync();
        }

        var tally = new NewsTally();
        await using var app = new DashboardFactory(_nats.Url, services: services =>
            // Ahead of every other hosted service, as a reader that must not miss the replay would be registered.
            services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => tally.Attach(sp.GetRequiredService<IFleetView>()))));
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);

        await using (var live = new TestPublisher(_nats.Url))
        {
            await live.PublishAsync(Startup("new-1.example.net", "0.29.4"), WireFormat.CloudEventBinary);
            await live.PublishAsync(Alive("old-1.example.net", "0.29.4"), WireFormat.CloudEventStructured);
            await live.PublishAsync(Nagios("old-1.example.net", "check_disk", 0, "DISK OK"), WireFormat.CloudEventStructured);
            await live.PublishAsync(Governor("new-1.example.net"), WireFormat.Legacy);
            await live.FlushAsync();
        }

        var expected = new Dictionary<(NewsKind, bool), int>
        {
            [(NewsKind.Started, true)] = 2,
            [(NewsKind.Upgraded, true)] = 1,
            [(NewsKind.Stopped, true)] = 1,
            [(NewsKind.CheckCritical, true)] = 1,
            [(NewsKind.Started, false)] = 1,
            [(NewsKind.Upgraded, false)] = 1,
            [(NewsKind.CheckRecovered, false)] = 1,
            [(NewsKind.Governor, false)] = 1,
        };
        await Eventually.TrueAsync(() => Task.FromResult(tally.Counts.Values.Sum() >= expected.Values.Sum()), Timeout, "every piece of news to reach the reader");
        Assert.Equal(expected.OrderBy(e => e.Key.ToString()), tally.Counts.OrderBy(e => e.Key.ToString()));
        var liveUpgrade = Assert.Single(tally.News, n => n is { Kind: NewsKind.Upgraded, Replayed: false });
        Assert.Equal(("old-1.example.net", "0.29.3", "0.29.4", false), (liveUpgrade.Identity, liveUpgrade.FromVersion, liveUpgrade.Version, liveUpgrade.Announced));
        Assert.Equal(1, tally.Snapshots);
    }

    /// <summary>
    /// The whole reader: subscribe once, then count what the stream says. It knows nothing of the store, the rules or
    /// the ingest.
    /// </summary>
    private sealed class NewsTally : IHostedService, IDisposable
    {
        private IFleetView? _fleet;
        private BroadcastSubscription<FleetUpdate>? _subscription;
        private Task? _loop;

        public ConcurrentDictionary<(NewsKind Kind, bool Replayed), int> Counts { get; } = new();

        // The read ends when its subscription is disposed, never on a token (see FleetRecorder.Dispose for the hang that
        // a token source disposed by the container mid-stop caused).
        public void Dispose() => _subscription?.Dispose();

        public ConcurrentQueue<FleetNews> News { get; } = new();

        public int Snapshots { get; private set; }

        public NewsTally Attach(IFleetView fleet)
        {
            _fleet = fleet;
            return this;
        }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _subscription = _fleet!.Subscribe();
            _loop = ReadAsync(_subscription);
            return Task.CompletedTask;
        }

        private async Task ReadAsync(BroadcastSubscription<FleetUpdate> subscription)
        {
            using (subscription)
            {
                Snapshots += subscription.Initial.IsSnapshot ? 1 : 0;
                await foreach (var update in subscription.ReadAllAsync())
                {
                    Snapshots += update.IsSnapshot ? 1 : 0;
                    foreach (var news in update.News)
                    {
                        News.Enqueue(news);
                        Counts.AddOrUpdate((news.Kind, news.Replayed), 1, (_, n) => n + 1);
                    }
                }
            }
        }

        // The host may stop its services more than once as the factory is disposed: stopping again changes nothing.
        public async Task StopAsync(CancellationToken cancellationToken)
        {
            _subscription?.Dispose();
            await (_loop ?? Task.CompletedTask);
        }
    }
}
