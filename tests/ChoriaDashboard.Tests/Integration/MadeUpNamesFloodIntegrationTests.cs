using System.Globalization;
using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>
/// A publisher floods the broker with made-up component names and made-up checks: the fleet-wide caps
/// (<c>Fleet:MaxComponents</c>, <c>Fleet:MaxWatchers</c>) hold, and the real fleet among the flood stays exact.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class MadeUpNamesFloodIntegrationTests(NatsServerFixture nats)
{
    private const int MaxComponents = 8;
    private const int MaxWatchers = 20;
    private const int Rounds = 10;
    private const int ComponentsPerRound = 30;
    private const int FloodHostsPerRound = 5;
    private const int ChecksPerFloodHost = 4;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task MadeUpComponentsAndChecks_FloodAroundValidEvents_ValidFleetExactAndCapsHeldAndEachRejectionCounted()
    {
        await using var app = new DashboardFactory(nats.Url, new Dictionary<string, string?>
        {
            ["Fleet:MaxComponents"] = MaxComponents.ToString(CultureInfo.InvariantCulture),
            ["Fleet:MaxWatchers"] = MaxWatchers.ToString(CultureInfo.InvariantCulture),
        });
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        await using var publisher = new TestPublisher(nats.Url);

        string[] real = ["web1.example.net", "web2.example.net", "db1.example.net"];
        WireFormat[] formats = [WireFormat.Legacy, WireFormat.CloudEventStructured, WireFormat.CloudEventBinary];
        var accepted = 0;

        // The real fleet first on each subject (one subscription each, so in this order): its checks are kept.
        foreach (var identity in real)
        {
            await publisher.PublishAsync(Startup(identity), WireFormat.CloudEventStructured);
            await publisher.PublishAsync(Nagios(identity, "check_disk", 0, "DISK OK"), WireFormat.CloudEventBinary);
            accepted += 2;
        }

        var madeUpComponents = 0;
        var madeUpChecks = 0;
        for (var round = 0; round < Rounds; round++)
        {
            for (var i = 0; i < ComponentsPerRound; i++)
            {
                await publisher.PublishAsync(Alive("flood.example.net", "1.0.0", $"made_up_{madeUpComponents++:0000}"), formats[i % formats.Length]);
            }

            for (var host = 0; host < FloodHostsPerRound; host++)
            {
                for (var check = 0; check < ChecksPerFloodHost; check++)
                {
                    await publisher.PublishAsync(Nagios($"flood-{round}-{host}.example.net", $"check_made_up_{check}", 3, "UNKNOWN"), formats[check % formats.Length]);
                    madeUpChecks++;
                }
            }

            // Valid events between the bad ones must cost nothing; a known check keeps updating.
            await publisher.PublishAsync(Alive(real[round % real.Length]), formats[round % formats.Length]);
            accepted++;
            if (round == Rounds / 2)
            {
                await publisher.PublishAsync(Nagios("web2.example.net", "check_disk", 2, "DISK CRITICAL"), WireFormat.Legacy);
                accepted++;
            }
        }

        await publisher.FlushAsync();

        // The first made-up names and checks fit under the caps; the rest are rejected.
        var keptChecks = MaxWatchers - real.Length;
        accepted += MaxComponents + keptChecks;
        var expectedByReason = new Dictionary<string, long>
        {
            ["tooManyComponents"] = madeUpComponents - MaxComponents,
            ["fleetFull"] = madeUpChecks - keptChecks,
        };
        var rejected = expectedByReason.Values.Sum();

        var fleet = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => f.GetProperty("ingest").GetProperty("accepted").GetInt64() == accepted
                 && f.GetProperty("ingest").GetProperty("rejected").GetInt64() == rejected,
            Timeout,
            $"{accepted} accepted and {rejected} rejected messages");

        var byReason = fleet.GetProperty("ingest").GetProperty("rejectedByReason").EnumerateObject().ToDictionary(r => r.Name, r => r.Value.GetInt64());
        Assert.Equal(expectedByReason.OrderBy(r => r.Key), byReason.OrderBy(r => r.Key));

        var components = fleet.GetProperty("components").EnumerateArray().ToDictionary(c => c.GetProperty("component").GetString()!);
        Assert.Equal(MaxComponents, components.Keys.Count(c => c.StartsWith("made_up_", StringComparison.Ordinal)));
        Assert.Equal(MaxComponents + 1, components.Count);
        var server = components[ChoriaComponents.Server];
        Assert.Equal((3, 3), (server.GetProperty("total").GetInt32(), server.GetProperty("live").GetInt32()));
        Assert.Equal(["0.29.4: 3 nodes, 3 active"], server.GetProperty("versions").EnumerateArray().Select(v => $"{v.GetProperty("version").GetString()}: {v.GetProperty("nodes").GetInt32()} nodes, {v.GetProperty("active").GetInt32()} active"));
        Assert.Equal(real.Length + MaxComponents, fleet.GetProperty("totals").GetProperty("nodes").GetInt32());

        // The real checks as they were last sent (two OK, web2 critical); the made-up ones only up to the cap.
        var health = fleet.GetProperty("health");
        Assert.Equal((2, 0, 1, keptChecks), (health.GetProperty("ok").GetInt32(), health.GetProperty("warning").GetInt32(), health.GetProperty("critical").GetInt32(), health.GetProperty("unknown").GetInt32()));
        Assert.Equal("connected", fleet.GetProperty("nats").GetProperty("state").GetString());

        using var nodes = JsonDocument.Parse(await http.GetStringAsync("/export/nodes.json?component=server&sort=identity"));
        Assert.Equal(real.Order(StringComparer.Ordinal), nodes.RootElement.EnumerateArray().Select(n => n.GetProperty("identity").GetString()).Order(StringComparer.Ordinal));
    }
}
