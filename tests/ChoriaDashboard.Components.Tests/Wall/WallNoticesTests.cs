using Bunit;
using ChoriaDashboard.Components.Wall;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;
using static ChoriaDashboard.TestKit.TestSnapshots;

namespace ChoriaDashboard.Components.Tests.Wall;

/// <summary>What the room must know although the board's numbers are current: nodes turned away, history missing.</summary>
public sealed class WallNoticesTests : DashboardTestContext
{
    public WallNoticesTests()
    {
        Services.AddSingleton(Options.Create(new WallOptions()));
        Services.AddSingleton(Options.Create(new FleetOptions()));
        Store.ReportBroker(new BrokerStatus(BrokerState.Connected, Clock.GetUtcNow(), "nats://127.0.0.1:4222", 3, 3, null));
    }

    [Fact]
    public void Wall_NodesTurnedAwayAndHistoryIncomplete_TheRoomIsToldWhileTheNumbersStayCurrent()
    {
        Store.Publish(Node("a.example.net", NodeState.Live));
        Services.GetRequiredService<NavigationManager>().NavigateTo("wall");
        var cut = Render<WallPage>();
        var since = new DateTimeOffset(2026, 12, 7, 8, 12, 0, TimeSpan.Zero);

        Store.ReportTurnedAway(new TurnedAway(250_000, 1_234, false, 5_678, since, since));
        Store.ReportCurrency(new ViewCurrency { HistoryIncomplete = "CHORIA_EVENTS given up" });

        WaitWhileTheClockRuns(cut, () => Assert.Contains(
            $"Fleet full: 1,234 new nodes turned away since {since.ToLocalTime():HH:mm} (Fleet:MaxNodes 250,000).",
            cut.Find("[data-testid=wall-notices]").TextContent));
        Assert.Contains("History incomplete", cut.Find("[data-testid=wall-notices]").TextContent);
        Assert.Equal("good", cut.Find("[data-testid=wall]").GetAttribute("data-state"));
    }
}
