using System.Net.Http.Json;
using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using ChoriaDashboard.Tests.Integration;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Webhooks;

/// <summary>
/// Webhooks out, end to end: the real app on a real nats-server posts to a real HTTP listener in the test process, and
/// each delivery is checked with the Standard Webhooks reference verifier.
/// </summary>
public sealed class WebhookDeliveryTests : IClassFixture<NatsServerFixture>, IAsyncLifetime
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly NatsServerFixture _nats;
    private WebhookReceiver _receiver = default!;

    public WebhookDeliveryTests(NatsServerFixture nats) => _nats = nats;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Node_StartsDiesReturnsIsUpgradedAndStops_PostsExactlyThoseSignedCloudEvents()
    {
        var settings = Settings(Endpoint(0, _receiver.Url("ok", "life"), "node.started", "node.stopped", "node.died", "node.returned", "node.upgraded", "check.critical"));
        settings["Webhooks:Endpoints:0:Components:0"] = ChoriaComponents.Server;
        settings["Fleet:StaleAfter"] = "00:00:01";
        settings["Fleet:DeadAfter"] = "00:00:02";
        await using var app = new DashboardFactory(_nats.Url, settings);
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        await using var node = new TestPublisher(_nats.Url);
        const string identity = "life-1.example.net";

        await node.PublishAsync(Startup(identity, "0.29.3"), WireFormat.CloudEventStructured);
        await node.FlushAsync();
        // Silent past DeadAfter: the dashboard judges it dead.
        await Eventually.TrueAsync(() => _receiver.At("life").Any(r => r.Type.EndsWith(".node.died", StringComparison.Ordinal)), Timeout, "node.died");
        // Back, upgraded, and shut down in one go: it has no time to die again.
        await node.PublishAsync(Alive(identity, "0.29.3"), WireFormat.Legacy);
        await node.PublishAsync(Upgraded(identity, "0.29.3", "0.29.4", ChoriaComponents.Server), WireFormat.CloudEventBinary);
        await node.PublishAsync(Shutdown(identity), WireFormat.Legacy);
        await node.FlushAsync();
        await Eventually.TrueAsync(() => _receiver.At("life").Any(r => r.Type.EndsWith(".node.stopped", StringComparison.Ordinal)), Timeout, "node.stopped");

        var received = _receiver.At("life");
        Assert.Equal(
            ["io.choria.dashboard.v1.node.started", "io.choria.dashboard.v1.node.died", "io.choria.dashboard.v1.node.returned", "io.choria.dashboard.v1.node.upgraded", "io.choria.dashboard.v1.node.stopped"],
            received.Select(r => r.Type));
        Assert.All(received, r => r.Verify(Secret));
        Assert.Equal(5, received.Select(r => r.Id).Distinct().Count());
        Assert.All(received, r => Assert.StartsWith("application/cloudevents+json", r.Headers["Content-Type"].ToString(), StringComparison.Ordinal));
        var died = received[1].Event;
        Assert.Equal(("1.0", "/choria-dashboard", identity, received[1].Id), (
            died.GetProperty("specversion").GetString(), died.GetProperty("source").GetString(), died.GetProperty("subject").GetString(), died.GetProperty("id").GetString()));
        // The node as /api/nodes shows it.
        var data = died.GetProperty("data");
        Assert.Equal((identity, ChoriaComponents.Server, "dead"), (data.GetProperty("identity").GetString(), data.GetProperty("component").GetString(), data.GetProperty("state").GetString()));
        var status = await Eventually.ValueAsync(() => StatusAsync(http), s => s[0].GetProperty("delivered").GetInt64() == 5, Timeout, "five deliveries counted");
        Assert.Equal((0L, 0L, 0L), (status[0].GetProperty("failedAttempts").GetInt64(), status[0].GetProperty("dropped").GetInt64(), status[0].GetProperty("givenUp").GetInt64()));
    }

    [Fact]
    public async Task Receiver_Answers500TwiceThen200_GetsTheSameIdThreeTimesAndOneDeliveryIsCounted()
    {
        await using var app = new DashboardFactory(_nats.Url, Settings(Endpoint(0, _receiver.Url("flaky", "retry"), "node.started")));
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        await using var node = new TestPublisher(_nats.Url);

        await node.PublishAsync(Startup("retry-1.example.net"), WireFormat.Legacy);
        await node.FlushAsync();

        var status = await Eventually.ValueAsync(() => StatusAsync(http), s => s[0].GetProperty("delivered").GetInt64() == 1, Timeout, "the delivery to succeed");
        var attempts = _receiver.At("retry");
        Assert.Equal(3, attempts.Count);
        Assert.Single(attempts.Select(a => a.Id).Distinct());
        Assert.All(attempts, a => a.Verify(Secret));
        Assert.Equal((1L, 2L, 0L), (status[0].GetProperty("delivered").GetInt64(), status[0].GetProperty("failedAttempts").GetInt64(), status[0].GetProperty("givenUp").GetInt64()));
        Assert.StartsWith("HTTP 500", status[0].GetProperty("lastFailure").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, status[0].GetProperty("lastSuccessAt").ValueKind);
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("choria_dashboard_webhook_deliveries_total{endpoint=\"0\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("choria_dashboard_webhook_failed_attempts_total{endpoint=\"0\"} 2", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_RestartedWithReplay_PostsNothingAlreadyTold()
    {
        await TestStreams.RecreateAsync(_nats.Url);
        try
        {
            var settings = Settings(Endpoint(0, _receiver.Url("ok", "restart"), "node.started", "node.upgraded", "node.stopped"));
            await using (var first = new DashboardFactory(_nats.Url, settings))
            {
                using var http = first.CreateClient();
                await FleetApiIntegrationTests.WaitReadyAsync(http);
                await using var node = new TestPublisher(_nats.Url);
                await node.PublishAsync(Startup("old-1.example.net", "0.29.3"), WireFormat.Legacy);
                await node.PublishAsync(Upgraded("old-1.example.net", "0.29.3", "0.29.4", ChoriaComponents.Server), WireFormat.CloudEventStructured);
                await node.PublishAsync(Shutdown("old-2.example.net"), WireFormat.Legacy);
                await node.FlushAsync();
                await Eventually.TrueAsync(() => _receiver.At("restart").Count == 3, Timeout, "the first app's three deliveries");
            }

            await Eventually.TrueAsync(async () => await TestStreams.MessagesAsync(_nats.Url, ChoriaStreams.Events) >= 3, Timeout, "the history to be stored");
            var before = _receiver.At("restart").Count;

            await using var second = new DashboardFactory(_nats.Url, settings);
            using var secondHttp = second.CreateClient();
            // The replay has brought the old nodes back before the new one comes.
            await Eventually.ValueAsync(
                () => FleetApiIntegrationTests.GetFleetAsync(secondHttp),
                f => f.GetProperty("currency").GetProperty("isCurrent").GetBoolean() && f.GetProperty("totals").GetProperty("nodes").GetInt32() == 2,
                Timeout,
                "the replay to bring back both old nodes");
            await using (var node = new TestPublisher(_nats.Url))
            {
                await node.PublishAsync(Startup("new-1.example.net"), WireFormat.Legacy);
                await node.FlushAsync();
            }

            await Eventually.TrueAsync(() => _receiver.At("restart").Count > before, Timeout, "the new node's startup");
            var after = _receiver.At("restart").Skip(before).ToList();
            var only = Assert.Single(after);
            Assert.Equal("new-1.example.net", only.Event.GetProperty("subject").GetString());
        }
        finally
        {
            await TestStreams.DeleteAsync(_nats.Url);
        }
    }

    [Fact]
    public async Task Endpoint_NeverAnswers_OtherEndpointsGetTheirsAndIngestGoesOn()
    {
        var settings = Settings(
            Endpoint(0, _receiver.Url("hang", "dead"), "node.started"),
            Endpoint(1, _receiver.Url("ok", "alive-1"), "node.started"),
            Endpoint(2, _receiver.Url("ok", "alive-2"), "node.started"));
        settings["Webhooks:QueueCapacity"] = "10";
        settings["Webhooks:AttemptTimeout"] = "00:05:00";
        await using var app = new DashboardFactory(_nats.Url, settings);
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        await using var node = new TestPublisher(_nats.Url);

        // In waves the live endpoints take one by one, so only the dead one's queue overflows.
        for (var wave = 0; wave < 4; wave++)
        {
            for (var i = 0; i < 5; i++)
            {
                await node.PublishAsync(Startup(Identity((wave * 5) + i, "hang")), WireFormat.Legacy);
            }

            await node.FlushAsync();
            var expected = (wave + 1) * 5;
            await Eventually.TrueAsync(() => _receiver.At("alive-1").Count == expected && _receiver.At("alive-2").Count == expected, Timeout, $"wave {wave} at both live endpoints");
        }

        var fleet = await FleetApiIntegrationTests.GetFleetAsync(http);
        Assert.Equal(20, fleet.GetProperty("totals").GetProperty("live").GetInt32());
        var status = await StatusAsync(http);
        Assert.Equal((0L, 20L, 20L), (status[0].GetProperty("delivered").GetInt64(), status[1].GetProperty("delivered").GetInt64(), status[2].GetProperty("delivered").GetInt64()));
        Assert.Equal(10, status[0].GetProperty("queueLength").GetInt32());
        Assert.True(status[0].GetProperty("dropped").GetInt64() >= 9, status[0].ToString());
        Assert.Equal(0, status[1].GetProperty("dropped").GetInt64());
        Assert.All(_receiver.At("alive-1"), r => r.Verify(Secret));
    }

    private static Dictionary<string, string?> Settings(params Dictionary<string, string?>[] endpoints)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Webhooks:RetryDelay"] = "00:00:00.050",
            ["Webhooks:MaxRetryDelay"] = "00:00:00.200",
            ["Webhooks:AttemptTimeout"] = "00:00:05",
        };
        foreach (var (key, value) in endpoints.SelectMany(e => e))
        {
            settings[key] = value;
        }

        return settings;
    }

    private static Dictionary<string, string?> Endpoint(int index, string url, params string[] events)
    {
        var endpoint = new Dictionary<string, string?>
        {
            [$"Webhooks:Endpoints:{index}:Url"] = url,
            [$"Webhooks:Endpoints:{index}:Secret"] = Secret,
        };
        for (var i = 0; i < events.Length; i++)
        {
            endpoint[$"Webhooks:Endpoints:{index}:Events:{i}"] = events[i];
        }

        return endpoint;
    }

    private static async Task<JsonElement[]> StatusAsync(HttpClient http)
    {
        var response = await http.GetFromJsonAsync<JsonElement>("/api/webhooks");
        return [.. response.GetProperty("endpoints").EnumerateArray()];
    }
}
