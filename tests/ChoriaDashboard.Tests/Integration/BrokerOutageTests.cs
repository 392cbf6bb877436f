using System.Net;
using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>
/// The broker stops for longer than <c>Fleet:DeadAfter</c>: the dashboard says its data is not current instead of
/// declaring the fleet dead, and finds the nodes that really stopped sending once it can hear again.
/// </summary>
public sealed class BrokerOutageTests : IClassFixture<NatsServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DeadAfter = TimeSpan.FromSeconds(6);
    private readonly NatsServerFixture _nats;

    public BrokerOutageTests(NatsServerFixture nats) => _nats = nats;

    [Fact]
    public async Task BrokerOutage_LongerThanDeadAfter_NoNodeDiesAndSilentNodesDieOnlyAfterHeardSilence()
    {
        await using var app = new DashboardFactory(_nats.Url, new Dictionary<string, string?>
        {
            ["Fleet:StaleAfter"] = "00:00:03",
            ["Fleet:DeadAfter"] = "00:00:06",
            ["Fleet:ForgetAfter"] = "01:00:00",
        });
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        await using (var publisher = new TestPublisher(_nats.Url))
        {
            await publisher.PublishAsync(Startup("silent.example.net"), WireFormat.Legacy);
            await publisher.PublishAsync(Startup("sender.example.net"), WireFormat.CloudEventBinary);
            await publisher.FlushAsync();
        }

        await Eventually.TrueAsync(async () => Totals(await FleetApiIntegrationTests.GetFleetAsync(http)).Live == 2, Timeout, "both nodes live");

        await _nats.StopAsync();
        var stoppedAt = DateTimeOffset.UtcNow;
        var down = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => !f.GetProperty("currency").GetProperty("isCurrent").GetBoolean(),
            Timeout,
            "the view to say it is not current");
        Assert.Contains("broker disconnected", down.GetProperty("currency").GetProperty("reason").GetString());
        Assert.True(down.GetProperty("currency").GetProperty("livenessPaused").GetBoolean());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).StatusCode);

        // The outage outlasts DeadAfter (and a few sweeps); every look at the fleet meanwhile shows it frozen.
        await Eventually.TrueAsync(
            async () =>
            {
                var during = Totals(await FleetApiIntegrationTests.GetFleetAsync(http));
                Assert.Equal((2, 0, 0), (during.Live, during.Stale, during.Dead));
                return DateTimeOffset.UtcNow - stoppedAt > DeadAfter + TimeSpan.FromSeconds(2);
            },
            Timeout,
            "an outage longer than DeadAfter");

        await _nats.StartAsync();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        await using var sender = new TestPublisher(_nats.Url);
        using var stop = new CancellationTokenSource();
        var sending = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                {
                    await sender.PublishAsync(Alive("sender.example.net"), WireFormat.CloudEventBinary);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The test has seen what it waited for.
            }
        });

        // The silent node's silence starts counting again at the reconnect: stale first, dead later, never at once.
        var states = new List<(int Live, int Stale, int Dead)>();
        await Eventually.TrueAsync(
            async () =>
            {
                states.Add(Totals(await FleetApiIntegrationTests.GetFleetAsync(http)));
                return states[^1] == (1, 0, 1);
            },
            Timeout,
            "the silent node to be dead and the sender live");
        await stop.CancelAsync();
        await sending;

        var firstStale = states.FindIndex(s => s.Stale == 1);
        var firstDead = states.FindIndex(s => s.Dead == 1);
        Assert.True(firstStale >= 0 && firstStale < firstDead, $"stale before dead after the reconnect: {string.Join(" ", states)}");
        var after = await FleetApiIntegrationTests.GetFleetAsync(http);
        Assert.True(after.GetProperty("currency").GetProperty("isCurrent").GetBoolean());
        Assert.True(after.GetProperty("currency").GetProperty("deafTime").GetString() is { } deaf && TimeSpan.Parse(deaf, System.Globalization.CultureInfo.InvariantCulture) >= DeadAfter);
    }

    private static (int Live, int Stale, int Dead) Totals(JsonElement fleet)
    {
        var t = fleet.GetProperty("totals");
        return (t.GetProperty("live").GetInt32(), t.GetProperty("stale").GetInt32(), t.GetProperty("dead").GetInt32());
    }
}
