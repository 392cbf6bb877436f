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
