using ChoriaDashboard.Tests.Infrastructure;
using Xunit;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>Several dashboards behind a load balancer, each subscribing on its own, show the same fleet.</summary>
public sealed class ReplicaTests : IClassFixture<NatsServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly NatsServerFixture _nats;

    public ReplicaTests(NatsServerFixture nats) => _nats = nats;

    [Fact]
    public async Task TwoReplicas_MixedFleetThenOneRestarts_ReportIdenticalFleets()
    {
        await TestStreams.RecreateAsync(_nats.Url);
        await using var first = new DashboardFactory(_nats.Url, MixedFleet.Settings());
        using var firstHttp = first.CreateClient();
        var second = new DashboardFactory(_nats.Url, MixedFleet.Settings());
        var secondHttp = second.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(firstHttp);
        await FleetApiIntegrationTests.WaitReadyAsync(secondHttp);

        await using (var publisher = new TestPublisher(_nats.Url))
        {
            await MixedFleet.PublishAsync(publisher, "before");
        }

        var seen = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(firstHttp),
            f => MixedFleet.Total(f) == MixedFleet.Nodes && MixedFleet.Dead(f) == 4,
            Timeout,
            "the first replica to show the fleet with its short-lived nodes dead");
        await Eventually.TrueAsync(
            async () => MixedFleet.Figures(await FleetApiIntegrationTests.GetFleetAsync(secondHttp)) == MixedFleet.Figures(seen),
            Timeout,
            "the second replica to show the same fleet");

        // The second replica restarts; events arrive while it is away.
        secondHttp.Dispose();
        await second.DisposeAsync();
        await using (var publisher = new TestPublisher(_nats.Url))
        {
            await MixedFleet.PublishAsync(publisher, "during");
        }

        seen = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(firstHttp),
            f => MixedFleet.Total(f) == 2 * MixedFleet.Nodes && MixedFleet.Dead(f) == 8,
            Timeout,
            "the first replica to show both fleets");
        await using var restarted = new DashboardFactory(_nats.Url, MixedFleet.Settings());
        using var restartedHttp = restarted.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(restartedHttp);
        await Eventually.TrueAsync(
            async () => MixedFleet.Figures(await FleetApiIntegrationTests.GetFleetAsync(restartedHttp)) == MixedFleet.Figures(seen),
            Timeout,
            "the restarted replica to show the same fleet as the one that stayed");
    }
}
