using Bunit;
using ChoriaDashboard.Components.Controls;
using Xunit;

namespace ChoriaDashboard.Components.Tests.Controls;

public sealed class BrokerIndicatorTests : DashboardTestContext
{
    [Fact]
    public void BrokerIndicator_Starting_ShowsConnecting()
    {
        var cut = Render<BrokerIndicator>();

        Assert.Contains("NATS connecting", cut.Find("[data-testid=broker-state]").TextContent);
    }

    [Fact]
    public void BrokerIndicator_ConnectionFails_ShowsDisconnectedLive()
    {
        var cut = Render<BrokerIndicator>();

        Monitor.Failed("connection refused");

        cut.WaitForAssertion(() => Assert.Contains("NATS disconnected", cut.Find("[data-testid=broker-state]").TextContent));
    }

    [Fact]
    public void BrokerIndicator_NoEventsYet_SaysSo()
    {
        var cut = Render<BrokerIndicator>();

        Assert.Equal("no events yet", cut.Find("[data-testid=latest-event]").TextContent.Trim());
        Assert.Equal("– events/s", cut.Find("[data-testid=ingest-rate]").TextContent.Trim());
    }

    [Fact]
    public void BrokerIndicator_EventsAccepted_ShowsAgeOfNewestAndRatePerSecond()
    {
        Store.LatestEventAt = Clock.GetUtcNow() - TimeSpan.FromSeconds(12);
        var cut = Render<BrokerIndicator>();
        Assert.Equal("last event 12s ago", cut.Find("[data-testid=latest-event]").TextContent.Trim());

        // 50 events in the 5 s (Ui:RelativeTimeRefresh) until the next tick: 10 per second.
        Store.Accept(50);
        Clock.Advance(TimeSpan.FromSeconds(5));

        cut.WaitForAssertion(() => Assert.Equal("10 events/s", cut.Find("[data-testid=ingest-rate]").TextContent.Trim()), TimeSpan.FromSeconds(5));
        Assert.Equal("last event 17s ago", cut.Find("[data-testid=latest-event]").TextContent.Trim());
    }

    [Fact]
    public void BrokerIndicator_NoInsecureSetting_ShowsNoWarning()
    {
        var cut = Render<BrokerIndicator>();

        Assert.Empty(cut.FindAll("[data-testid=broker-warning]"));
    }

    [Fact]
    public async Task BrokerIndicator_BrokerCertificateNotVerified_ShowsTheWarningLive()
    {
        var cut = Render<BrokerIndicator>();
        await using var connection = new NATS.Client.Core.NatsConnection();

        Monitor.Attach(connection, 3, new ChoriaDashboard.Ingest.Connection.BrokerConnectionSettings { Url = "tls://broker:4222", InsecureSkipVerify = true });

        cut.WaitForAssertion(() => Assert.Contains("insecure TLS", cut.Find("[data-testid=broker-warning]").TextContent));
    }
}
