using System.Net.Http.Json;
using System.Text.Json;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.TestKit;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ChoriaDashboard.Tests.Api;

/// <summary><c>GET /api/fleet</c> says which new nodes were turned away at Fleet:MaxNodes, read from the fleet's summary.</summary>
[Collection(NatsCollection.Name)]
public sealed class FleetApiTurnedAwayTests(NatsServerFixture nats)
{
    [Fact]
    public async Task GetFleet_NodesTurnedAway_TellsHowManySinceWhenAndTheLimit()
    {
        var store = new FakeFleetStore();
        var since = new DateTimeOffset(2026, 12, 7, 8, 12, 0, TimeSpan.Zero);
        store.ReportTurnedAway(new TurnedAway(250_000, 1_234, true, 5_678, since, since + TimeSpan.FromMinutes(28)));
        await using var app = new DashboardFactory(nats.Url, services: s =>
        {
            s.AddSingleton<IFleetView>(store);
            s.AddSingleton<IFleetStatus>(store);
            s.AddSingleton<INodeHistory>(store);
        });
        using var http = app.CreateClient();

        var fleet = await http.GetFromJsonAsync<JsonElement>("/api/fleet");

        var turnedAway = fleet.GetProperty("turnedAway");
        Assert.Equal(250_000, turnedAway.GetProperty("maxNodes").GetInt32());
        Assert.Equal(1_234, turnedAway.GetProperty("nodes").GetInt32());
        Assert.True(turnedAway.GetProperty("nodesAtLeast").GetBoolean());
        Assert.Equal(5_678, turnedAway.GetProperty("events").GetInt64());
        Assert.Equal(since, turnedAway.GetProperty("since").GetDateTimeOffset());
        Assert.Equal(since + TimeSpan.FromMinutes(28), turnedAway.GetProperty("last").GetDateTimeOffset());
    }

    [Fact]
    public async Task GetFleet_NoneTurnedAway_TurnedAwayIsNull()
    {
        var store = new FakeFleetStore();
        await using var app = new DashboardFactory(nats.Url, services: s =>
        {
            s.AddSingleton<IFleetView>(store);
            s.AddSingleton<IFleetStatus>(store);
            s.AddSingleton<INodeHistory>(store);
        });
        using var http = app.CreateClient();

        var fleet = await http.GetFromJsonAsync<JsonElement>("/api/fleet");

        Assert.Equal(JsonValueKind.Null, fleet.GetProperty("turnedAway").ValueKind);
    }
}
