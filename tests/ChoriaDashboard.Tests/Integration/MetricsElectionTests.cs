using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>
/// Replicas that name the same <c>Metrics:Election</c> campaign elect one leader in the real broker's
/// <c>CHORIA_LEADER_ELECTION</c> bucket: only its scrape says <c>active="1"</c>, and when it stops the other's next
/// scrape says so on every tally family at once.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class MetricsElectionTests(NatsServerFixture nats)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task TwoReplicas_LeaderStops_OnlyOneActiveThenTheOtherTakesOverOnEveryFamily()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Metrics:Election"] = $"dashboard-{Guid.NewGuid():N}",
            ["Metrics:ElectionTtl"] = "00:00:04",
            ["Replay:Enabled"] = "false",
        };
        var first = new DashboardFactory(nats.Url, settings);
        var second = new DashboardFactory(nats.Url, settings);
        var replicas = new[] { (App: first, Http: first.CreateClient()), (App: second, Http: second.CreateClient()) };
        try
        {
            foreach (var (_, http) in replicas)
            {
                await FleetApiIntegrationTests.WaitReadyAsync(http);
            }

            await using (var publisher = new TestPublisher(nats.Url))
            {
                var identity = Identity(1, $"elect{Guid.NewGuid().ToString("N")[..6]}-");
                await publisher.PublishAsync(Startup(identity, "0.29.4"), WireFormat.Legacy);
                await publisher.PublishAsync(Alive(identity, "0.29.4"), WireFormat.Legacy);
                await publisher.PublishAsync(Governor(identity), WireFormat.Legacy);
                await publisher.FlushAsync();
            }

            string[] bodies = [];
            await Eventually.TrueAsync(
                async () =>
                {
                    bodies = await Task.WhenAll(replicas.Select(r => r.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative))));
                    return bodies.All(b => b.Contains("choria_tally_governor{", StringComparison.Ordinal))
                        && bodies.Count(b => Active(b) == "1") == 1 && bodies.Count(b => Active(b) == "0") == 1;
                },
                Timeout,
                "one replica to say active=\"1\" on every tally family and the other active=\"0\" on every one");
            var leader = Array.FindIndex(bodies, b => Active(b) == "1");
            Assert.Contains("choria_dashboard_metrics_leader 1\n", bodies[leader], StringComparison.Ordinal);
            Assert.Contains("choria_dashboard_metrics_leader 0\n", bodies[1 - leader], StringComparison.Ordinal);

            // The leader stops; the other takes over, every family at once.
            replicas[leader].Http.Dispose();
            await replicas[leader].App.DisposeAsync();
            var other = replicas[1 - leader].Http;
            var body = await Eventually.ValueAsync(
                () => other.GetStringAsync(new Uri("/metrics", UriKind.Relative)),
                b => b.Contains("choria_dashboard_metrics_leader 1\n", StringComparison.Ordinal),
                Timeout,
                "the remaining replica to become leader");

            Assert.Equal("1", Active(body));
        }
        finally
        {
            foreach (var (app, http) in replicas)
            {
                http.Dispose();
                await app.DisposeAsync();
            }
        }
    }

    /// <summary>The <c>active</c> value every tally series line of the body carries, or "mixed" when they differ.</summary>
    private static string Active(string body)
    {
        var values = body.Split('\n').Where(l => l.StartsWith("choria_tally_", StringComparison.Ordinal))
            .Select(l => l.Contains("active=\"1\"}", StringComparison.Ordinal) ? "1" : l.Contains("active=\"0\"}", StringComparison.Ordinal) ? "0" : "none")
            .Distinct().ToList();
        return values.Count == 1 ? values[0] : values.Count == 0 ? "empty" : "mixed";
    }
}
