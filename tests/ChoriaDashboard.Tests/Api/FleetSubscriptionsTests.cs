using ChoriaDashboard.Fleet;
using ChoriaDashboard.Tests.Api.Hub;
using ChoriaDashboard.Tests.Api.Metrics;
using ChoriaDashboard.Tests.Infrastructure;
using ChoriaDashboard.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ChoriaDashboard.Tests.Api;

/// <summary>
/// The fleet's stream counts its readers where an operator looks (<c>stream.subscriptions</c> in <c>/api/fleet</c>,
/// <c>choria_dashboard_fleet_subscriptions</c> in <c>/metrics</c>): a reader that comes adds one, and one that goes
/// gives it back, so a leak shows as a count that only grows.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class FleetSubscriptionsTests(NatsServerFixture nats)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task FleetSubscriptions_ReaderAndHubClientComeAndGo_ApiAndMetricsCountThemAndReturnToBaseline()
    {
        await using var app = new DashboardFactory(nats.Url, kestrel: true);
        app.StartServer();
        using var http = new HttpClient { BaseAddress = app.ServerAddress };
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        var baseline = await CountsAsync(http);
        Assert.True(baseline.Api == baseline.Metrics, $"/api/fleet and /metrics agree at start: {baseline}");

        // A reader inside the app (as a page's consume loop is): one more, and back when it lets go.
        var reader = app.Services.GetRequiredService<IFleetView>().Subscribe();
        var withReader = await CountsAsync(http);
        Assert.Equal((baseline.Api + 1, baseline.Metrics + 1), withReader);
        reader.Dispose();
        Assert.Equal(baseline, await CountsAsync(http));

        // A hub client streaming the fleet: its feed subscribes; when the client goes, the feed ends and unsubscribes.
        var client = await (await HubRecorder.ConnectAsync(app.ServerAddress)).StreamAsync();
        var withClient = await Eventually.ValueAsync(() => CountsAsync(http), c => c.Api > baseline.Api, Timeout, "the hub client's feed to be counted");
        Assert.Equal(withClient.Api, withClient.Metrics);
        await client.DisposeAsync();
        var after = await Eventually.ValueAsync(() => CountsAsync(http), c => c == baseline, Timeout, $"the count back at {baseline} once the hub client closed");
        Assert.Equal(baseline, after);
    }

    private static async Task<(int Api, int Metrics)> CountsAsync(HttpClient http)
    {
        var fleet = await FleetApiIntegrationTests.GetFleetAsync(http);
        var api = fleet.GetProperty("stream").GetProperty("subscriptions").GetInt32();
        var metrics = ScrapeText.Value(await http.GetStringAsync("/metrics"), "choria_dashboard_fleet_subscriptions")
            ?? throw new InvalidOperationException("/metrics has no choria_dashboard_fleet_subscriptions");
        return (api, (int)metrics);
    }
}
