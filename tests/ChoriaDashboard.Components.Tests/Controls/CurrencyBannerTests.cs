using Bunit;
using ChoriaDashboard.Components.Controls;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Status;
using Xunit;

namespace ChoriaDashboard.Components.Tests.Controls;

public sealed class CurrencyBannerTests : DashboardTestContext
{
    [Fact]
    public void CurrencyBanner_ViewCurrent_ShowsNothing()
    {
        var cut = Render<CurrencyBanner>();

        Assert.Empty(cut.FindAll("[data-testid=currency-banner]"));
        Assert.Empty(cut.FindAll("[data-testid=history-unavailable]"));
    }

    [Fact]
    public void CurrencyBanner_BrokerDisconnected_SaysNotCurrentSinceWhenAndWhyLive()
    {
        var cut = Render<CurrencyBanner>();
        var since = new DateTimeOffset(2026, 11, 25, 8, 12, 0, TimeSpan.Zero);

        Store.ReportCurrency(new ViewCurrency { IsCurrent = false, NotCurrentSince = since, Reason = "broker disconnected", LivenessPaused = true });

        WaitWhileTheClockRuns(cut, () => Assert.Equal(
            $"Data not current since {since.ToLocalTime():HH:mm} — broker disconnected; node states are frozen",
            cut.Find("[data-testid=currency-text]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=replay-progress]"));

        Store.ReportCurrency(ViewCurrency.Current);

        WaitWhileTheClockRuns(cut, () => Assert.Empty(cut.FindAll("[data-testid=currency-banner]")));
    }

    [Fact]
    public void CurrencyBanner_Replaying_ShowsProgressAndTimeLeft()
    {
        Store.ReportCurrency(new ViewCurrency
        {
            IsCurrent = false,
            NotCurrentSince = Clock.GetUtcNow(),
            Reason = "replaying history from Choria Streams",
            LivenessPaused = true,
            Replay = new ReplayProgress(75_000, 300_000, Clock.GetUtcNow(), TimeSpan.FromSeconds(2.2)),
        });

        var cut = Render<CurrencyBanner>();

        Assert.Equal("75,000 of 300,000 events replayed (25%), about 3 s left", cut.Find("[data-testid=replay-progress]").TextContent);
        Assert.Contains("replaying history from Choria Streams", cut.Find("[data-testid=currency-text]").TextContent);
        Assert.Single(cut.FindAll("[data-testid=replay-bar]"));
    }

    [Fact]
    public void CurrencyBanner_ReplayInterrupted_SaysWhyItWaitsAndThatItResumesWhereItStopped()
    {
        Store.ReportCurrency(new ViewCurrency
        {
            IsCurrent = false,
            NotCurrentSince = Clock.GetUtcNow(),
            Reason = "replaying history from Choria Streams; interrupted (the connection to the broker was lost; attempt 2 of 8)",
            LivenessPaused = true,
            Replay = new ReplayProgress(75_000, 300_000, Clock.GetUtcNow(), null) { Interruptions = 2 },
        });

        var cut = Render<CurrencyBanner>();

        Assert.Contains("interrupted (the connection to the broker was lost; attempt 2 of 8); node states are frozen", cut.Find("[data-testid=currency-text]").TextContent);
        Assert.Equal("75,000 of 300,000 events replayed (25%); interrupted 2 times, resumed where it stopped", cut.Find("[data-testid=replay-progress]").TextContent);
    }

    [Fact]
    public void CurrencyBanner_ReplayGivenUp_SaysHistoryIsIncompleteAndWhyWhileTheViewIsCurrent()
    {
        var cut = Render<CurrencyBanner>();

        Store.ReportCurrency(new ViewCurrency { HistoryIncomplete = "CHORIA_EVENTS given up after 120,000 messages (stream <i>CHORIA_EVENTS</i> not found)" });

        WaitWhileTheClockRuns(cut, () => Assert.Contains(
            "History from Choria Streams incomplete: CHORIA_EVENTS given up after 120,000 messages (stream <i>CHORIA_EVENTS</i> not found).",
            cut.Find("[data-testid=history-incomplete]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=history-incomplete] i"));
        Assert.Empty(cut.FindAll("[data-testid=currency-banner]"));
    }

    [Fact]
    public void CurrencyBanner_HistoryUnavailable_SaysWhyAsText()
    {
        Store.ReportCurrency(new ViewCurrency { HistoryUnavailable = "stream <b>X</b> not found" });

        var cut = Render<CurrencyBanner>();

        Assert.Contains("stream <b>X</b> not found", cut.Find("[data-testid=history-unavailable]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=history-unavailable] b"));
        Assert.Empty(cut.FindAll("[data-testid=currency-banner]"));
    }
}
