using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>A user without the rights to one of the event subjects: the refusal shows per subject in /api/fleet.</summary>
public sealed class BrokerPermissionsTests
{
    private const string ViewerWithoutTransitions = """
        listen: "127.0.0.1:{port}"
        authorization {
          users: [
            { user: "viewer", password: "viewer-pw", permissions: { subscribe: { allow: ["choria.lifecycle.event.>", "choria.machine.watcher.>", "_INBOX.>"] } } }
            { user: "publisher", password: "publisher-pw" }
          ]
        }
        """;

    [Fact]
    public async Task SubscriptionRefused_RightsGrantedLater_SubscribedWithoutRestartAndEventsArrive()
    {
        await using var server = await ConfiguredNatsServer.StartAsync(ViewerWithoutTransitions);
        await using var app = new DashboardFactory(server.Url, new Dictionary<string, string?>
        {
            ["Nats:User"] = "viewer",
            ["Nats:Password"] = "viewer-pw",
            ["Nats:ResubscribeDelay"] = "00:00:00.200",
        });
        using var http = app.CreateClient();
        await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => f.GetProperty("nats").GetProperty("refusedSubjects").TryGetProperty("choria.machine.transition", out _),
            TimeSpan.FromSeconds(20),
            "choria.machine.transition among the refused subjects");

        // The operator grants the events_viewer rights and reloads the broker; the dashboard is not touched.
        await server.ReloadAsync(ViewerWithoutTransitions.Replace("\"choria.machine.watcher.>\"", "\"choria.machine.>\"", StringComparison.Ordinal));

        var ready = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => f.GetProperty("nats").GetProperty("ready").GetBoolean(),
            TimeSpan.FromSeconds(20),
            "all subscriptions in place after the broker granted the rights");
        Assert.Empty(ready.GetProperty("nats").GetProperty("refusedSubjects").EnumerateObject());

        await using var publisher = new TestPublisher(new NATS.Client.Core.NatsOpts { Url = server.Url, AuthOpts = NATS.Client.Core.NatsAuthOpts.Default with { Username = "publisher", Password = "publisher-pw" } });
        await publisher.PublishAsync(Transition("granted-1.example.net", "nagios_ping", "UNKNOWN", "OK", "passive"), WireFormat.CloudEventStructured);
        await publisher.FlushAsync();
        await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => f.GetProperty("ingest").GetProperty("accepted").GetInt64() == 1,
            TimeSpan.FromSeconds(20),
            "the transition published after the grant accepted");
    }

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
