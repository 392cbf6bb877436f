using Bunit;
using ChoriaDashboard.Components.Controls;
using ChoriaDashboard.Fleet.Status;
using Xunit;

namespace ChoriaDashboard.Components.Tests.Controls;

public sealed class FleetFullBannerTests : DashboardTestContext
{
    [Fact]
    public void FleetFullBanner_NoNodeTurnedAway_ShowsNothing()
    {
        var cut = Render<FleetFullBanner>();

        Assert.Empty(cut.FindAll("[data-testid=fleet-full-banner]"));
    }

    [Fact]
    public void FleetFullBanner_NodesTurnedAway_SaysHowManySinceWhenAndWhatToDoLiveAndGoesWhenThereIsRoom()
    {
        var cut = Render<FleetFullBanner>();
        var since = new DateTimeOffset(2026, 12, 7, 8, 12, 0, TimeSpan.Zero);
        var last = since + TimeSpan.FromMinutes(28);

        Store.ReportTurnedAway(new TurnedAway(250_000, 1_234, false, 5_678, since, last));

        WaitWhileTheClockRuns(cut, () => Assert.Equal(
            $"Fleet full since {since.ToLocalTime():HH:mm}: 1,234 new nodes turned away (5,678 events), the latest at {last.ToLocalTime():HH:mm}; they are missing from every count and list.",
            cut.Find("[data-testid=fleet-full-text]").TextContent));
        var action = cut.Find("[data-testid=fleet-full-action]").TextContent;
        Assert.Contains("at most 250,000 nodes (Fleet:MaxNodes)", action);
        Assert.Contains("Raise Fleet:MaxNodes", action);
        Assert.Contains("Fleet:ForgetAfter", action);

        Store.ReportTurnedAway(null);

        WaitWhileTheClockRuns(cut, () => Assert.Empty(cut.FindAll("[data-testid=fleet-full-banner]")));
    }

    [Fact]
    public void FleetFullBanner_MoreNodesThanCounted_SaysAtLeast()
    {
        Store.ReportTurnedAway(new TurnedAway(100, 65_536, true, 200_000, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch));

        var cut = Render<FleetFullBanner>();

        Assert.Contains("at least 65,536 new nodes turned away (200,000 events)", cut.Find("[data-testid=fleet-full-text]").TextContent);
    }
}
