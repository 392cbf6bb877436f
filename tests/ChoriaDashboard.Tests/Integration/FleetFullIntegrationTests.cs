using System.Globalization;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>
/// A fleet larger than Fleet:MaxNodes, through a real nats-server: the nodes beyond are turned away, and the dashboard
/// says how many and since when instead of leaving them silently out; once dead nodes are forgotten and the fleet has
/// had room for StaleAfter, the notice goes and the nodes turned away are in the view again.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class FleetFullIntegrationTests(NatsServerFixture nats)
{
    private const int MaxNodes = 5;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task FleetFull_NewNodesBeyondMaxNodes_TurnedAwayCountedAndShownUntilThereIsRoomAgain()
    {
        await using var app = new DashboardFactory(nats.Url, new Dictionary<string, string?>
        {
            ["Fleet:MaxNodes"] = MaxNodes.ToString(CultureInfo.InvariantCulture),
            ["Fleet:StaleAfter"] = "00:00:01",
            ["Fleet:DeadAfter"] = "00:00:02",
            ["Fleet:ForgetAfter"] = "00:00:03",
        });
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        await using var publisher = new TestPublisher(nats.Url);

        // Five nodes that then go silent (they will be forgotten), then three more, one of them twice.
        for (var i = 0; i < MaxNodes; i++)
        {
            await publisher.PublishAsync(Startup(Identity(i, "old")), WireFormat.Legacy);
        }

        await publisher.FlushAsync();
        await Eventually.TrueAsync(async () => (await FleetApiIntegrationTests.GetFleetAsync(http)).GetProperty("totals").GetProperty("nodes").GetInt32() == MaxNodes, Timeout, "the fleet to be full");
        var before = DateTimeOffset.UtcNow;
        foreach (var i in new[] { 0, 1, 2, 0 })
        {
            await publisher.PublishAsync(Startup(Identity(i, "new")), WireFormat.CloudEventStructured);
        }

        await publisher.FlushAsync();
        var full = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => f.GetProperty("turnedAway").ValueKind == System.Text.Json.JsonValueKind.Object && f.GetProperty("turnedAway").GetProperty("events").GetInt64() == 4,
            Timeout,
            "four events of three new nodes to be turned away");
        var turnedAway = full.GetProperty("turnedAway");
        Assert.Equal((MaxNodes, 3, false), (turnedAway.GetProperty("maxNodes").GetInt32(), turnedAway.GetProperty("nodes").GetInt32(), turnedAway.GetProperty("nodesAtLeast").GetBoolean()));
        Assert.InRange(turnedAway.GetProperty("since").GetDateTimeOffset(), before - TimeSpan.FromSeconds(1), DateTimeOffset.UtcNow);
        Assert.Equal(4, full.GetProperty("ingest").GetProperty("rejectedByReason").GetProperty("fleetFull").GetInt64());

        // The old nodes die and are forgotten; the new ones keep sending, are taken in, and the notice goes once the
        // fleet has had room for StaleAfter.
        var after = await Eventually.ValueAsync(
            async () =>
            {
                foreach (var i in new[] { 0, 1, 2 })
                {
                    await publisher.PublishAsync(Alive(Identity(i, "new")), WireFormat.CloudEventBinary);
                }

                await publisher.FlushAsync();
                return await FleetApiIntegrationTests.GetFleetAsync(http);
            },
            f => f.GetProperty("turnedAway").ValueKind == System.Text.Json.JsonValueKind.Null,
            Timeout,
            "the notice to go once there is room");
        Assert.Equal(3, after.GetProperty("totals").GetProperty("live").GetInt32());
    }
}
