using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>A publisher floods the broker with identities that look like real ones; only the real nodes reach the dashboard.</summary>
[Collection(NatsCollection.Name)]
public sealed class InvisibleIdentityIntegrationTests(NatsServerFixture nats)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>One of each class: zero-width, bidi control, other format (Cf, in and outside the BMP), control, default-ignorable.</summary>
    private static readonly string[] Invisible = ["\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u200E", "\u200F", "\u061C", "\u202E", "\u2066", "\u2069", "\u00AD", "\U000E0001", "\u0007", "\u3164"];

    [Fact]
    public async Task LookalikeIdentities_FloodAroundValidEvents_OnlyValidNodesShownAndEachRejectionCounted()
    {
        await using var app = new DashboardFactory(nats.Url);
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        await using var publisher = new TestPublisher(nats.Url);

        string[] real = ["web1.example.net", "web2.example.net", "db1.example.net"];
        WireFormat[] formats = [WireFormat.Legacy, WireFormat.CloudEventStructured, WireFormat.CloudEventBinary];
        var accepted = 0;
        var rejected = 0;
        var expectedByReason = new Dictionary<string, long>();
        foreach (var identity in real)
        {
            await publisher.PublishAsync(Startup(identity), WireFormat.CloudEventStructured);
            accepted++;
        }

        for (var round = 0; round < 20; round++)
        {
            foreach (var mark in Invisible)
            {
                var target = real[rejected % real.Length];
                var lookalike = rejected % 2 == 0 ? target.Insert(3, mark) : target + mark;
                ChoriaEvent evt = (rejected % 3) switch
                {
                    0 => Startup(lookalike),
                    1 => Alive(lookalike),
                    _ => Transition(lookalike, "check_httpd", "ok", "critical", "CRITICAL"),
                };
                var format = formats[rejected % formats.Length];
                await publisher.PublishAsync(evt, format);
                rejected++;

                // A CloudEvent carries the identity as its subject too, where the CloudEvents rules already forbid a
                // control character: that envelope is refused before its identity is read.
                var reason = char.IsControl(mark[0]) && format != WireFormat.Legacy ? "invalidCloudEvent" : "invalidValue";
                expectedByReason[reason] = expectedByReason.GetValueOrDefault(reason) + 1;
            }

            // Valid events between the bad ones must cost nothing.
            await publisher.PublishAsync(Alive(real[round % real.Length]), formats[round % formats.Length]);
            accepted++;
        }

        await publisher.FlushAsync();

        var fleet = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => f.GetProperty("ingest").GetProperty("accepted").GetInt64() == accepted
                 && f.GetProperty("ingest").GetProperty("rejected").GetInt64() == rejected,
            Timeout,
            $"{accepted} accepted and {rejected} rejected messages");

        Assert.Equal(real.Length, fleet.GetProperty("totals").GetProperty("nodes").GetInt32());
        Assert.Equal(real.Length, fleet.GetProperty("totals").GetProperty("live").GetInt32());
        Assert.Equal(0, fleet.GetProperty("machines").GetInt32());
        var byReason = fleet.GetProperty("ingest").GetProperty("rejectedByReason").EnumerateObject().ToDictionary(r => r.Name, r => r.Value.GetInt64());
        Assert.Equal(expectedByReason.OrderBy(r => r.Key), byReason.OrderBy(r => r.Key));
        Assert.Equal("connected", fleet.GetProperty("nats").GetProperty("state").GetString());

        using var nodes = JsonDocument.Parse(await http.GetStringAsync("/export/nodes.json?sort=identity"));
        Assert.Equal(real.Order(StringComparer.Ordinal), nodes.RootElement.EnumerateArray().Select(n => n.GetProperty("identity").GetString()).Order(StringComparer.Ordinal));
    }
}
