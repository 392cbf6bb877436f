using System.Net;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>The broker goes away and comes back: the dashboard says so, and carries on without a restart of its own.</summary>
public sealed class BrokerRestartTests : IClassFixture<NatsServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly NatsServerFixture _nats;

    public BrokerRestartTests(NatsServerFixture nats) => _nats = nats;

    [Fact]
    public async Task BrokerRestart_WhileRunning_ShowsReconnectingThenResumesIngest()
    {
        await using var app = new DashboardFactory(_nats.Url);
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);

        await _nats.StopAsync();
        await Eventually.TrueAsync(async () => (await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.ServiceUnavailable, Timeout, "/readyz to fail while the broker is down");
        var down = await FleetApiIntegrationTests.GetFleetAsync(http);
        Assert.NotEqual("connected", down.GetProperty("nats").GetProperty("state").GetString());

        await _nats.StartAsync();
        await FleetApiIntegrationTests.WaitReadyAsync(http);

        await using var publisher = new TestPublisher(_nats.Url);
        await publisher.PublishAsync(Startup("after-restart.example.net"), Events.WireFormat.CloudEventStructured);
        await publisher.FlushAsync();
        await Eventually.TrueAsync(
            async () => (await FleetApiIntegrationTests.GetFleetAsync(http)).GetProperty("totals").GetProperty("live").GetInt32() == 1,
            Timeout,
            "the event published after the restart to be applied");
    }
}
