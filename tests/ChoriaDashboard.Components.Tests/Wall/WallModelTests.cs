using System.Collections.Immutable;
using ChoriaDashboard.Components.Wall;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.TestKit;
using Xunit;
using static ChoriaDashboard.TestKit.TestSnapshots;

namespace ChoriaDashboard.Components.Tests.Wall;

/// <summary>The board's plain classes: link parsing, the bounded ticker, rotation and paging.</summary>
public sealed class WallModelTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("20s", 20)]
    [InlineData("2m", 120)]
    [InlineData("1h", 3600)]
    [InlineData("45", 45)]
    [InlineData("1.5m", 90)]
    public void Parse_ValidInterval_Used(string text, int seconds)
    {
        var settings = WallSettings.Parse(null, null, text, null, null);

        Assert.Equal(TimeSpan.FromSeconds(seconds), settings.Interval);
        Assert.Empty(settings.Notices);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1s")]
    [InlineData("2h")]
    [InlineData("-5s")]
    [InlineData("NaN")]
    [InlineData("1e400s")]
    public void Parse_InvalidInterval_DefaultWithNotice(string text)
    {
        var settings = WallSettings.Parse(null, null, text, null, null);

        Assert.Equal(WallSettings.DefaultInterval, settings.Interval);
        Assert.Single(settings.Notices);
    }

    [Fact]
    public void Parse_ViewsAndComponents_InLinkOrderWithoutRepeats()
    {
        var settings = WallSettings.Parse(" server, provisioner ,server,,", "Problems,overview,problems,1", null, "LIGHT", null);

        Assert.Equal(["server", "provisioner"], settings.Components.ToArray());
        Assert.Equal([WallView.Problems, WallView.Overview], settings.Views.ToArray());
        Assert.Equal(WallTheme.Light, settings.Theme);
        Assert.Single(settings.Notices); // the view "1"
    }

    [Fact]
    public void Parse_ComponentWithControlCharacters_IgnoredWithPrintableNotice()
    {
        var settings = WallSettings.Parse("bad\nname,server", null, null, null, null);

        Assert.Equal(["server"], settings.Components.ToArray());
        Assert.DoesNotContain('\n', Assert.Single(settings.Notices));
    }

    [Fact]
    public void Ticker_RestartStormLargerThanCapacity_KeepsOnlyTheNewest()
    {
        var ticker = new WallTicker(3);
        var news = Enumerable.Range(0, 1000)
            .Select(i => new FleetNews(T0.AddSeconds(i), NewsKind.Started, $"n{i}.example.net", ChoriaComponents.Server, null, null, Replayed: false) { Version = "0.29.4" })
            .ToArray();

        ticker.Observe([Update(news)], null);

        Assert.Equal(3, ticker.Count);
        Assert.Equal(["n999.example.net", "n998.example.net", "n997.example.net"], ticker.Newest(10).Select(e => e.Node.Identity));
        Assert.All(ticker.Newest(10), e => Assert.Equal(("0.29.4", WallTickerKind.Startup), (e.Version, e.Kind)));
    }

    [Fact]
    public void Ticker_ComponentsNotShown_Skipped()
    {
        var ticker = new WallTicker(10);
        var died = new FleetNews(T0, NewsKind.Died, "a.example.net", ChoriaComponents.Provisioner, null, null, Replayed: false);

        ticker.Observe([Update([died])], c => c == ChoriaComponents.Server);

        Assert.Equal(0, ticker.Count);
    }

    [Fact]
    public void Ticker_ReplayedHistory_NotShownLiveNewsIs()
    {
        var ticker = new WallTicker(10);
        var replayed = new FleetNews(T0, NewsKind.Started, "old.example.net", ChoriaComponents.Server, null, null, Replayed: true);
        var live = new FleetNews(T0.AddSeconds(1), NewsKind.Upgraded, "new.example.net", ChoriaComponents.Server, null, "0.29.3 → 0.29.4", Replayed: false)
        {
            FromVersion = "0.29.3",
            Version = "0.29.4",
            Announced = true,
        };

        ticker.Observe([Update([replayed, live])], null);

        var entry = Assert.Single(ticker.Newest(10));
        Assert.Equal((WallTickerKind.Upgrade, "new.example.net", "0.29.3", "0.29.4"), (entry.Kind, entry.Node.Identity, entry.Version, entry.UpgradedTo));
    }

    private static FleetUpdate Update(FleetNews[] news) => new()
    {
        Summary = FleetSummary.Empty,
        Broker = new BrokerStatus(BrokerState.Connected, T0, null, 3, 3, null),
        News = news,
    };

    [Fact]
    public void Rotation_SlideShorterThanItsPages_PagesCarryOnWhenItComesBack()
    {
        var rotation = new WallRotation(T0);
        rotation.SetSlides([new WallSlide(WallView.Problems), new WallSlide(WallView.Checks)]);
        var interval = TimeSpan.FromSeconds(10);
        var page = TimeSpan.FromSeconds(5);

        rotation.Tick(T0.AddSeconds(5), interval, page);
        Assert.Equal(1, rotation.Page(4));
        rotation.Tick(T0.AddSeconds(10), interval, page);
        Assert.Equal(WallView.Checks, rotation.Current.View);
        rotation.Tick(T0.AddSeconds(20), interval, page);
        Assert.Equal(WallView.Problems, rotation.Current.View);
        Assert.Equal(1, rotation.Page(4));
        rotation.Tick(T0.AddSeconds(25), interval, page);

        Assert.Equal(2, rotation.Page(4));
    }

    [Fact]
    public void Rotation_SlidesChange_CurrentSlideKept()
    {
        var rotation = new WallRotation(T0);
        rotation.SetSlides([new WallSlide(WallView.Overview), new WallSlide(WallView.Component, "server")]);
        rotation.Tick(T0.AddSeconds(30), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(10));

        rotation.SetSlides([new WallSlide(WallView.Overview), new WallSlide(WallView.Component, "provisioner"), new WallSlide(WallView.Component, "server")]);

        Assert.Equal(new WallSlide(WallView.Component, "server"), rotation.Current);
    }

    [Fact]
    public void Currency_FromTheFleetsCurrency_WithReplayProgressInWords()
    {
        var store = new FakeFleetStore();
        Assert.True(WallCurrency.From(store.Currency).IsCurrent);

        store.ReportCurrency(new ViewCurrency { IsCurrent = false, NotCurrentSince = T0, Reason = "broker disconnected" });
        var currency = WallCurrency.From(store.Currency);
        Assert.False(currency.IsCurrent);
        Assert.Equal(T0, currency.NotCurrentSince);
        Assert.Equal("broker disconnected", currency.Reason);

        store.ReportCurrency(new ViewCurrency { IsCurrent = false, NotCurrentSince = T0, Reason = "replaying history from Choria Streams", Replay = new ReplayProgress(250, 1000, T0, TimeSpan.FromSeconds(3)) });
        Assert.Equal("replaying history from Choria Streams: 25 %", WallCurrency.From(store.Currency).Reason);

        store.ReportCurrency(ViewCurrency.Current);
        Assert.True(WallCurrency.From(store.Currency).IsCurrent);
        Assert.Equal(ImmutableArray<string>.Empty, WallSettings.Default.Notices);
    }
}
