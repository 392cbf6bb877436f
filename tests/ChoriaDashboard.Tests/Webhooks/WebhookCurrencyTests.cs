using ChoriaDashboard.Tests.Infrastructure;
using ChoriaDashboard.Tests.Integration;
using Xunit;

namespace ChoriaDashboard.Tests.Webhooks;

/// <summary>
/// <c>fleet.not_current</c> and <c>fleet.current</c> through a real broker outage: the nats-server stops and starts
/// again, and a real listener is told each turn once, signed, with the reason the view gives.
/// </summary>
public sealed class WebhookCurrencyTests : IClassFixture<NatsServerFixture>, IAsyncLifetime
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly NatsServerFixture _nats;
    private WebhookReceiver _receiver = default!;

    public WebhookCurrencyTests(NatsServerFixture nats) => _nats = nats;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task BrokerStopsAndComesBack_PostsNotCurrentWithTheReasonThenCurrent_EachOnce()
    {
        await using var app = new DashboardFactory(_nats.Url, new Dictionary<string, string?>
        {
            ["Webhooks:Endpoints:0:Url"] = _receiver.Url("ok", "ops"),
            ["Webhooks:Endpoints:0:Secret"] = Secret,
            ["Webhooks:Endpoints:0:Events:0"] = "fleet.not_current",
            ["Webhooks:Endpoints:0:Events:1"] = "fleet.current",
            ["Webhooks:RetryDelay"] = "00:00:00.050",
            ["Webhooks:MaxRetryDelay"] = "00:00:00.200",
        });
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        // Connecting and the start are not news: nothing posted while the view became current the first time.
        Assert.Empty(_receiver.At("ops"));

        await _nats.StopAsync();
        await Eventually.TrueAsync(() => _receiver.At("ops").Count >= 1, Timeout, "fleet.not_current to be posted");
        var down = _receiver.At("ops")[0];
        down.Verify(Secret);
        Assert.Equal("io.choria.dashboard.v1.fleet.not_current", down.Type);
        Assert.Contains("broker disconnected", down.Event.GetProperty("data").GetProperty("reason").GetString(), StringComparison.Ordinal);

        await _nats.StartAsync();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        await Eventually.TrueAsync(() => _receiver.At("ops").Count >= 2, Timeout, "fleet.current to be posted");
        var up = _receiver.At("ops")[1];
        up.Verify(Secret);
        Assert.Equal("io.choria.dashboard.v1.fleet.current", up.Type);
        Assert.NotEqual(down.Id, up.Id);
        Assert.Equal(2, _receiver.At("ops").Count);
    }
}
