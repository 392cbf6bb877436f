using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Queries;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet.Queries;

public sealed class NodeDetailTests
{
    [Fact]
    public void MachineTransitions_KeptNewestUpToMachineTransitionHistory()
    {
        var fleet = new FleetHarness(new FleetOptions { MachineTransitionHistory = 2 });
        fleet.Apply(Ev.Transition("n1", "app", "unknown", "idle", "init"));
        fleet.Apply(Ev.Transition("n1", "app", "idle", "running", "start"));
        fleet.Apply(Ev.Transition("n1", "app", "running", "failed", "crash"));

        var latest = fleet.State.Machines["n1"].Machines["app"].Latest;

        Assert.Equal("failed", latest.State);
        Assert.Equal(["start", "crash"], latest.Transitions.Select(t => t.Transition));
    }

    [Theory]
    [InlineData("web-7.example.net", true)]
    [InlineData("Auto Agent  app_deploy#deploy @ web-7.example.net", true)]
    [InlineData("xweb-7.example.net", false)]
    [InlineData("Auto Agent @ other web-7.example.net", false)]
    public void IsHolder_GovernorSlotHolder_MatchesTheIdentityOrItsAgents(string holder, bool expected) =>
        Assert.Equal(expected, NodeDetail.IsHolder(holder, "web-7.example.net"));
}
