using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>How many versions a component's summary lists separately (<c>Fleet:MaxVersionsPerComponent</c>).</summary>
public sealed class ComponentVersionLimitTests
{
    [Fact]
    public void Summary_MoreVersionsThanTheLimit_FurtherVersionsCountedAsOtherVersionsAndNodeCountsStayRight()
    {
        var fleet = new FleetHarness(new FleetOptions { MaxVersionsPerComponent = 3 });
        for (var i = 1; i <= 5; i++)
        {
            fleet.Apply(Ev.Startup($"n{i}", $"0.29.{i}"));
        }

        fleet.Apply(Ev.Startup("n6", "0.29.5"));

        var server = FleetHarness.Component(fleet.Summary(), Ev.Server);
        Assert.Equal(
            [("0.29.3", 1, 1), ("0.29.2", 1, 1), ("0.29.1", 1, 1), (VersionCount.Other, 3, 3)],
            server.Versions.Select(v => (v.Version, v.Nodes, v.Active)));
        Assert.Equal("0.29.3", server.Newest);
        Assert.Equal(6, server.Versions.Sum(v => v.Nodes));
    }

    [Fact]
    public void Summary_OtherVersionsEmptied_NewVersionsCountedSeparatelyAgain()
    {
        var fleet = new FleetHarness(new FleetOptions { MaxVersionsPerComponent = 2 });
        fleet.Apply(Ev.Startup("n1", "0.29.1"));
        fleet.Apply(Ev.Startup("n2", "0.29.2"));
        fleet.Apply(Ev.Startup("n3", "0.29.3"));

        // n3 moves to a listed version, n1 to a new one: the bucket is empty, so 0.29.9 gets its own count.
        fleet.AdvanceMinutes(1);
        fleet.Apply(Ev.Alive("n3", "0.29.2"));
        fleet.Apply(Ev.Alive("n1", "0.29.9"));

        var server = FleetHarness.Component(fleet.Summary(), Ev.Server);
        Assert.Equal([("0.29.9", 1), ("0.29.2", 2)], server.Versions.Select(v => (v.Version, v.Nodes)));
    }
}
