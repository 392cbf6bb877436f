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
}
