using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Rules;
using ChoriaDashboard.Tests.Fleet;
using Xunit;

namespace ChoriaDashboard.Tests.RealShapes;

/// <summary>What the fleet view makes of the shapes real deployments send (shared/docs/choria-events.md, last section).</summary>
public sealed class RealShapeFleetTests
{
    [Fact]
    public void NagiosNotCheckedYet_CountsAsNotChecked_NeitherOkNorAProblem()
    {
        var fleet = new FleetHarness();

        fleet.Apply(Ev.Nagios("web-9.example.net", "check_heartbeat", "check", 5) with { Status = "NOTCHECKED", CheckTime = null });

        var health = fleet.Summary().Health;
        Assert.Equal(new HealthSummary(Ok: 0, Warning: 0, Critical: 0, Unknown: 0, NotChecked: 1), health);
        Assert.Equal(1, health.Total);
    }

    [Fact]
    public void NagiosFirstResultAfterNotChecked_MovesTheCheckOutOfNotChecked()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Nagios("mx-3.example.net", "check_mailq", "check", 5) with { Status = "NOTCHECKED" });

        fleet.Apply(Ev.Nagios("mx-3.example.net", "check_mailq", "check", 2));

        Assert.Equal(new HealthSummary(Ok: 0, Warning: 0, Critical: 1, Unknown: 0, NotChecked: 0), fleet.Summary().Health);
    }

    [Fact]
    public void GovernorEvictionOfAnAutonomousAgent_CountedButNeverANode()
    {
        var fleet = new FleetHarness();

        var outcome = fleet.Apply(Ev.Governor("Auto Agent  app_deploy#deploy @ web-7.example.net", "APP_DEPLOY", "evict", component: "app_deploy"));

        Assert.Equal(ApplyOutcome.CountedOnly, outcome);
        Assert.Empty(fleet.State.Nodes);
        Assert.Empty(fleet.State.Machines);
        Assert.Equal(0, fleet.Summary().TotalNodes);
        Assert.Equal(1, fleet.State.GovernorCounts[("APP_DEPLOY", "evict")]);
        var entry = Assert.Single(fleet.State.GovernorHistory);
        Assert.Equal(
            new GovernorHistoryEntry(fleet.Now, "APP_DEPLOY", "evict", 1, "Auto Agent  app_deploy#deploy @ web-7.example.net", "app_deploy"),
            entry);
    }

    [Fact]
    public void GovernorHistory_BeyondItsLength_KeepsTheNewestOldestFirst()
    {
        var fleet = new FleetHarness(new FleetOptions { GovernorHistoryLength = 2 });

        foreach (var holder in new[] { "first.example.net", "second.example.net", "third.example.net" })
        {
            fleet.Apply(Ev.Governor(holder, "PUPPET", "enter"));
            fleet.AdvanceMinutes(1);
        }

        Assert.Equal(["second.example.net", "third.example.net"], fleet.State.GovernorHistory.Select(g => g.Holder));
        Assert.Equal(3, fleet.State.GovernorCounts[("PUPPET", "enter")]);
    }

    [Fact]
    public void GovernorHistoryLengthZero_KeepsNoneButStillCounts()
    {
        var fleet = new FleetHarness(new FleetOptions { GovernorHistoryLength = 0 });

        fleet.Apply(Ev.Governor("n1.example.net", "PUPPET", "enter"));

        Assert.Empty(fleet.State.GovernorHistory);
        Assert.Equal(1, fleet.State.GovernorCounts[("PUPPET", "enter")]);
    }

    [Fact]
    public void ServiceHostBesideServer_OnOneIdentity_AreTwoNodes()
    {
        var fleet = new FleetHarness();

        fleet.Apply(Ev.Startup("node1.example.net", "0.29.4"));
        fleet.Apply(Ev.Startup("node1.example.net", "0.29.4", component: "service_host"));

        Assert.Equal(2, fleet.Summary().TotalNodes);
        Assert.Equal(NodeState.Live, fleet.Node("node1.example.net", "service_host").State);
    }

    [Fact]
    public void ProvisionerUnderAName_IsANode()
    {
        var fleet = new FleetHarness();

        fleet.Apply(Ev.Startup("provisioner_signer", "0.15.1", component: Ev.Provisioner));

        Assert.Equal("0.15.1", fleet.Node("provisioner_signer", Ev.Provisioner).Version);
    }

    [Fact]
    public void ScoutTransitionWithUpperCaseStates_ShownAsSent()
    {
        var fleet = new FleetHarness();

        fleet.Apply(Ev.Transition("web-7.example.net", "check_httpd", "OK", "CRITICAL", "CRITICAL"));

        Assert.Equal("CRITICAL", fleet.State.Machines["web-7.example.net"].Machines["check_httpd"].Latest.State);
    }

    [Fact]
    public void RealUpgradeSequence_ServerEntryNeverShowsTheOldVersion_ProvisioningEntryGoes()
    {
        // go-choria: release_update runs only in provisioning mode, so the upgrade is announced by provision_mode_server.
        var fleet = new FleetHarness();
        const string node = "web-3.example.net";

        fleet.Apply(Ev.Startup(node, "0.29.3", component: Ev.ProvisionModeServer));
        fleet.Apply(Ev.Upgraded(node, "0.29.3", "0.29.4", component: Ev.ProvisionModeServer));
        Assert.Equal(("0.29.3", "0.29.4"), (fleet.Node(node, Ev.ProvisionModeServer).Version, fleet.Node(node, Ev.ProvisionModeServer).UpgradingTo));
        Assert.False(fleet.Has(node));

        fleet.Apply(Ev.Shutdown(node, Ev.ProvisionModeServer));
        fleet.Apply(Ev.Startup(node, "0.29.4", component: Ev.ProvisionModeServer));
        fleet.Apply(Ev.Provisioned(node));
        fleet.Apply(Ev.Shutdown(node, Ev.ProvisionModeServer));
        fleet.Apply(Ev.Startup(node, "0.29.4"));

        var server = fleet.Node(node);
        Assert.Equal(("0.29.4", null, NodeState.Live), (server.Version, server.PreviousVersion, server.State));
        Assert.False(fleet.Has(node, Ev.ProvisionModeServer));
        Assert.Equal(1, fleet.Summary().TotalNodes);
    }
}
