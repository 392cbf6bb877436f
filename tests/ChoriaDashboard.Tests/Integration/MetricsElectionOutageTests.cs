using ChoriaDashboard.Tests.Infrastructure;
using Xunit;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>
/// A leader cut off from the broker cannot renew its lease, so its scrape stops saying <c>active="1"</c> by itself
/// once the bucket's TTL has passed (tally's leader would keep saying so); back on the broker it campaigns again.
/// </summary>
public sealed class MetricsElectionOutageTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Leader_BrokerGoesAway_StopsBeingActiveThenLeadsAgainWhenItReturns()
    {
        await using var app = new DashboardFactory(nats.Url, new Dictionary<string, string?>
        {
            ["Metrics:Election"] = "dashboard-outage",
            ["Metrics:ElectionTtl"] = "00:00:04",
            ["Replay:Enabled"] = "false",
        });
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        await LeaderAsync(http, "1", "the only replica to become leader");

        await nats.StopAsync();
        await LeaderAsync(http, "0", "the cut-off leader's lease to run out");

        await nats.StartAsync();
        await LeaderAsync(http, "1", "the replica to lead again once the broker is back");
    }

    private static Task LeaderAsync(HttpClient http, string value, string what) => Eventually.TrueAsync(
        async () => (await http.GetStringAsync(new Uri("/metrics", UriKind.Relative))).Contains($"choria_dashboard_metrics_leader {value}\n", StringComparison.Ordinal),
        Timeout,
        what);
}
