using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using NATS.Client.Core;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>The whole path: a real nats-server, the real app and pipeline, events in all three shapes, and bad ones among them.</summary>
[Collection(NatsCollection.Name)]
public sealed class FleetApiIntegrationTests(NatsServerFixture nats)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task MixedFleet_AllShapesAndBadMessages_ApiShowsExactCounts()
    {
        await using var app = new DashboardFactory(nats.Url);
        using var http = app.CreateClient();
        await WaitReadyAsync(http);
        await using var publisher = new TestPublisher(nats.Url);

        var aliveId = Guid.NewGuid().ToString();
        var good = new (ChoriaEvent Event, WireFormat Format)[]
        {
            (Startup("a1.example.net", "0.29.3"), WireFormat.Legacy),
            (Startup("a2.example.net"), WireFormat.Legacy),
            (Startup("a3.example.net"), WireFormat.Legacy),
            (Startup("b1.example.net"), WireFormat.CloudEventStructured),
            (Startup("b2.example.net", "0.29.3"), WireFormat.CloudEventStructured),
            (Startup("c1.example.net"), WireFormat.CloudEventBinary),
            (Startup("c2.example.net"), WireFormat.CloudEventBinary),
            // The same alive twice (same id, same timestamp): both count, nothing is deduplicated.
            (Alive("a1.example.net", "0.29.3", id: aliveId), WireFormat.CloudEventStructured),
            (Alive("a1.example.net", "0.29.3", id: aliveId), WireFormat.CloudEventStructured),
            (Shutdown("c2.example.net"), WireFormat.CloudEventBinary),
            (Upgraded("b2.example.net", "0.29.3", "0.29.4", component: ChoriaComponents.Server), WireFormat.Legacy),
            (Startup("b2.example.net", "0.29.4"), WireFormat.CloudEventStructured),
            (Startup("a1.example.net", "0.29.3", component: ChoriaComponents.ProvisionModeServer), WireFormat.Legacy),
            (Provisioned("p1.example.net"), WireFormat.CloudEventBinary),
            (Governor("a2.example.net"), WireFormat.Legacy),
            (Transition("a1.example.net", "check_httpd", "ok", "critical", "CRITICAL"), WireFormat.CloudEventStructured),
            (Nagios("a1.example.net", "check_httpd", 2, "PROCS CRITICAL: 0 processes"), WireFormat.CloudEventBinary),
        };

        var bad = BadMessages().ToArray();
        for (var i = 0; i < good.Length; i++)
        {
            // Interleave: a bad message between good ones must not cost the good ones anything.
            if (i < bad.Length)
            {
                await publisher.PublishRawAsync(bad[i].Subject, bad[i].Body, bad[i].Headers);
            }

            await publisher.PublishAsync(good[i].Event, good[i].Format);
        }

        await publisher.FlushAsync();

        var fleet = await Eventually.ValueAsync(
            () => GetFleetAsync(http),
            f => f.GetProperty("ingest").GetProperty("accepted").GetInt64() == good.Length
                 && f.GetProperty("ingest").GetProperty("rejected").GetInt64() == bad.Length,
            Timeout,
            $"{good.Length} accepted and {bad.Length} rejected messages");

        var totals = fleet.GetProperty("totals");
        Assert.Equal(9, totals.GetProperty("nodes").GetInt32());
        Assert.Equal(8, totals.GetProperty("live").GetInt32());
        Assert.Equal(1, totals.GetProperty("stopped").GetInt32());
        Assert.Equal(0, totals.GetProperty("dead").GetInt32());

        var server = Component(fleet, ChoriaComponents.Server);
        Assert.Equal((7, 6, 0, 0, 1), Counts(server));
        Assert.Equal(new[] { ("0.29.4", 6, 5), ("0.29.3", 1, 1) }, Versions(server));

        var provisioning = Component(fleet, ChoriaComponents.ProvisionModeServer);
        Assert.Equal((2, 2, 0, 0, 0), Counts(provisioning));
        Assert.Equal(new[] { ("0.29.3", 1, 1), ("unknown", 1, 1) }, Versions(provisioning));

        Assert.Equal(1, fleet.GetProperty("machines").GetInt32());
        Assert.Equal(1, fleet.GetProperty("health").GetProperty("critical").GetInt32());

        var rejected = fleet.GetProperty("ingest").GetProperty("rejectedByReason");
        foreach (var (reason, _, _, _) in bad)
        {
            Assert.True(rejected.TryGetProperty(reason, out var count), $"no '{reason}' rejection counted: {rejected}");
            Assert.Equal(1, count.GetInt64());
        }
    }

    [Fact]
    public async Task Readyz_ConnectedAndSubscribed_ReturnsHealthy()
    {
        await using var app = new DashboardFactory(nats.Url);
        using var http = app.CreateClient();
        await WaitReadyAsync(http);

        var fleet = await GetFleetAsync(http);
        Assert.Equal("connected", fleet.GetProperty("nats").GetProperty("state").GetString());
        Assert.Equal(3, fleet.GetProperty("nats").GetProperty("subscriptions").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task MessageTheDecoderCannotRead_BetweenGoodOnes_IngestCarriesOnAndStaysReady()
    {
        await using var app = new DashboardFactory(nats.Url);
        using var http = app.CreateClient();
        await WaitReadyAsync(http);
        await using var publisher = new TestPublisher(nats.Url);

        await publisher.PublishAsync(Startup("before.example.net"), WireFormat.Legacy);
        // Valid UTF-8 and valid JSON, but the identity holds a lone surrogate escape.
        await publisher.PublishRawAsync(ChoriaSubjects.Lifecycle(LifecycleEventType.Alive, ChoriaComponents.Server), Encoding.UTF8.GetBytes(
            """{"protocol":"io.choria.lifecycle.v1.alive","id":"x","identity":"n\udc00","component":"server","timestamp":1718000000,"version":"1"}"""));
        await publisher.PublishAsync(Startup("after.example.net"), WireFormat.CloudEventStructured);
        await publisher.FlushAsync();

        var fleet = await Eventually.ValueAsync(
            () => GetFleetAsync(http),
            f => f.GetProperty("ingest").GetProperty("accepted").GetInt64() == 2,
            Timeout,
            "both good startups to be applied");
        Assert.Equal(2, fleet.GetProperty("totals").GetProperty("live").GetInt32());
        Assert.Equal(1, fleet.GetProperty("ingest").GetProperty("rejectedByReason").GetProperty("invalidValue").GetInt64());
        Assert.Equal("connected", fleet.GetProperty("nats").GetProperty("state").GetString());
        Assert.Equal(3, fleet.GetProperty("nats").GetProperty("subscriptions").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
    }

    internal static async Task WaitReadyAsync(HttpClient http) =>
        await Eventually.TrueAsync(async () => (await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, Timeout, "/readyz to answer 200");

    internal static async Task<JsonElement> GetFleetAsync(HttpClient http) => await http.GetFromJsonAsync<JsonElement>("/api/fleet");

    private static JsonElement Component(JsonElement fleet, string name) =>
        fleet.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("component").GetString() == name);

    private static (int Total, int Live, int Stale, int Dead, int Stopped) Counts(JsonElement c) =>
        (c.GetProperty("total").GetInt32(), c.GetProperty("live").GetInt32(), c.GetProperty("stale").GetInt32(), c.GetProperty("dead").GetInt32(), c.GetProperty("stopped").GetInt32());

    private static (string, int, int)[] Versions(JsonElement c) =>
        [.. c.GetProperty("versions").EnumerateArray().Select(v => (v.GetProperty("version").GetString()!, v.GetProperty("nodes").GetInt32(), v.GetProperty("active").GetInt32()))];

    /// <summary>One bad message per rejection reason the ingest can see, each with the reason name /api/fleet reports.</summary>
    private static IEnumerable<(string Reason, string Subject, byte[] Body, NatsHeaders? Headers)> BadMessages()
    {
        var subject = ChoriaSubjects.Lifecycle(LifecycleEventType.Startup, ChoriaComponents.Server);
        static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

        yield return ("notJson", subject, Utf8("this is { not json"), null);
        yield return ("unknownType", ChoriaSubjects.LifecyclePrefix + "reboot." + ChoriaComponents.Server,
            Utf8("""{"protocol":"io.choria.lifecycle.v1.reboot","id":"x","identity":"n1.example.net","component":"server","timestamp":1718000000}"""), null);
        yield return ("invalidValue", subject,
            Utf8("""{"protocol":"io.choria.lifecycle.v1.startup","id":"x","identity":"<script>alert(1)</script>","component":"server","timestamp":1718000000,"version":"1"}"""), null);
        yield return ("tooLarge", subject, Utf8("{\"pad\":\"" + new string('x', 70_000) + "\"}"), null);
        yield return ("missingField", subject,
            Utf8("""{"protocol":"io.choria.lifecycle.v1.startup","id":"x","component":"server","timestamp":1718000000,"version":"1"}"""), null);
        yield return ("invalidCloudEvent", subject,
            Utf8("""{"protocol":"io.choria.lifecycle.v1.startup","id":"x","identity":"n2.example.net","component":"server","timestamp":1718000000,"version":"1"}"""),
            new NatsHeaders { ["ce-specversion"] = "1.0", ["ce-source"] = "io.choria.lifecycle", ["ce-type"] = "io.choria.lifecycle.v1.startup" });
        yield return ("notChoriaEvent", subject, Utf8("""{"hello":"world"}"""), null);
        yield return ("wrongType", subject,
            Utf8("""{"protocol":"io.choria.lifecycle.v1.startup","id":"x","identity":"n3.example.net","component":"server","timestamp":"yesterday","version":"1"}"""), null);
    }
}
