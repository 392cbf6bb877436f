using Bunit;
using ChoriaDashboard.Components.Pages;
using ChoriaDashboard.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ChoriaDashboard.Components.Tests.Pages;

public sealed class WebhooksPageTests : DashboardTestContext
{
    private readonly FakeWebhookStatus _status = new();

    public WebhooksPageTests() => Services.AddSingleton<IWebhookStatus>(_status);

    [Fact]
    public void Webhooks_NoEndpoints_SaysWhereToConfigureThem()
    {
        var cut = Render<WebhooksPage>();

        Assert.Contains("Webhooks:Endpoints", cut.Find("[data-testid=webhooks-none]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=webhook-row]"));
    }

    [Fact]
    public void Webhooks_AFailingEndpoint_ShowsItsCountsAndLastFailureAndTheNextTickTheNewCounts()
    {
        var now = Clock.GetUtcNow();
        _status.Endpoints =
        [
            new WebhookEndpointStatus(0, "https://hooks.example.com/in?…", ["node.died"], ["server"], 1200, 3, 1, 7, 42, 10_000, now.AddMinutes(-5), now.AddSeconds(-10), "HTTP 503 Service Unavailable"),
            new WebhookEndpointStatus(1, "http://127.0.0.1:9000/hook", ["node.started", "node.died"], [], 0, 0, 0, 0, 0, 10_000, null, null, null),
        ];

        var cut = Render<WebhooksPage>();

        var rows = cut.FindAll("[data-testid=webhook-row]");
        Assert.Equal(2, rows.Count);
        Assert.Equal("https://hooks.example.com/in?…", rows[0].QuerySelector("[data-testid=webhook-url]")!.TextContent);
        Assert.Equal(("1,200", "3", "1", "7", "42 / 10,000"), (
            rows[0].QuerySelector("[data-testid=webhook-delivered]")!.TextContent, rows[0].QuerySelector("[data-testid=webhook-failed]")!.TextContent,
            rows[0].QuerySelector("[data-testid=webhook-given-up]")!.TextContent, rows[0].QuerySelector("[data-testid=webhook-dropped]")!.TextContent,
            rows[0].QuerySelector("[data-testid=webhook-queue]")!.TextContent));
        Assert.Contains("10s ago", rows[0].QuerySelector("[data-testid=webhook-last-failure]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("HTTP 503 Service Unavailable", rows[0].QuerySelector("[data-testid=webhook-last-failure]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("never", rows[1].QuerySelector("[data-testid=webhook-last-failure]")!.TextContent.Trim());

        _status.Endpoints = [_status.Endpoints[0] with { Delivered = 1201, QueueLength = 0 }, _status.Endpoints[1]];
        // Read again on the next tick of Ui:RelativeTimeRefresh (5 s).
        for (var tick = 0; ; tick++)
        {
            Clock.Advance(TimeSpan.FromSeconds(5));
            try
            {
                cut.WaitForAssertion(() => Assert.Equal("1,201", cut.Find("[data-testid=webhook-delivered]").TextContent), TimeSpan.FromMilliseconds(200));
                break;
            }
            catch (Exception) when (tick < 25)
            {
            }
        }
    }

    private sealed class FakeWebhookStatus : IWebhookStatus
    {
        public IReadOnlyList<WebhookEndpointStatus> Endpoints { get; set; } = [];

        public long ReaderFellBehind { get; set; }
    }
}
