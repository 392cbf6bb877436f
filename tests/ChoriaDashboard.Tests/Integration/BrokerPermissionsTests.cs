using ChoriaDashboard.Tests.Infrastructure;
using Xunit;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>A user without the rights to one of the event subjects: the refusal shows per subject in /api/fleet.</summary>
public sealed class BrokerPermissionsTests
{
    [Fact]
    public async Task SubscriptionRefusedByPermissions_ShowsPerSubjectAndNotReady()
    {
        await using var server = await ConfiguredNatsServer.StartAsync("""
            listen: "127.0.0.1:{port}"
            authorization {
              users: [
                { user: "viewer", password: "viewer-pw", permissions: { subscribe: { allow: ["choria.lifecycle.event.>", "choria.machine.watcher.>", "_INBOX.>"] } } }
              ]
            }
            """);
        await using var app = new DashboardFactory(server.Url, new Dictionary<string, string?> { ["Nats:User"] = "viewer", ["Nats:Password"] = "viewer-pw" });
        using var http = app.CreateClient();

        var fleet = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => f.GetProperty("nats").GetProperty("refusedSubjects").TryGetProperty("choria.machine.transition", out _),
            TimeSpan.FromSeconds(20),
            "choria.machine.transition among the refused subjects");

        var refused = fleet.GetProperty("nats").GetProperty("refusedSubjects");
        Assert.Equal("subscription refused by permissions", refused.GetProperty("choria.machine.transition").GetString());
        Assert.Single(refused.EnumerateObject());
        Assert.False(fleet.GetProperty("nats").GetProperty("ready").GetBoolean());
        Assert.DoesNotContain("viewer-pw", fleet.ToString(), StringComparison.Ordinal);
    }
}
