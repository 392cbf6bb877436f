using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Api.Metrics;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>
/// After a restart the history replayed from Choria Streams fills <c>_versions</c> at once, while tally's counters
/// count only what this process received live (they start at 0, as a restarted tally's do).
/// </summary>
public sealed class MetricsReplayTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Restart_HistoryReplayed_VersionsFilledCountersOnlyLiveEvents()
    {
        await TestStreams.RecreateAsync(nats.Url);
        await using (var publisher = new TestPublisher(nats.Url))
        {
            for (var i = 0; i < 5; i++)
            {
                await publisher.PublishAsync(Startup(Identity(i, "history-"), "0.29.3"), WireFormat.CloudEventStructured);
                await publisher.PublishAsync(Alive(Identity(i, "history-"), "0.29.3"), WireFormat.CloudEventStructured);
            }

            await publisher.FlushAsync();
        }

        await using var app = new DashboardFactory(nats.Url);
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);

        var body = await Eventually.ValueAsync(
            () => http.GetStringAsync(new Uri("/metrics", UriKind.Relative)),
            b => ScrapeText.Value(b, "choria_tally_versions{component=\"server\",version=\"0.29.3\",active=\"1\"}") == 5,
            Timeout,
            "the replayed fleet's five nodes on 0.29.3 in _versions");
        Assert.Equal(0, ScrapeText.Value(body, "choria_tally_event_types{component=\"server\",type=\"alive\",active=\"1\"}"));
        Assert.Equal(0, ScrapeText.Value(body, "choria_tally_good_events{component=\"server\",active=\"1\"}"));
        Assert.True(ScrapeText.Value(body, "choria_dashboard_accepted_events_total") >= 10, "the dashboard's own total counts the replayed events it applied");

        await using (var publisher = new TestPublisher(nats.Url))
        {
            await publisher.PublishAsync(Alive(Identity(0, "history-"), "0.29.3"), WireFormat.Legacy);
            await publisher.PublishAsync(Alive(Identity(1, "history-"), "0.29.3"), WireFormat.Legacy);
            await publisher.FlushAsync();
        }

        body = await Eventually.ValueAsync(
            () => http.GetStringAsync(new Uri("/metrics", UriKind.Relative)),
            b => ScrapeText.Value(b, "choria_tally_event_types{component=\"server\",type=\"alive\",active=\"1\"}") == 2,
            Timeout,
            "the two live alive events counted");
        Assert.Equal(2, ScrapeText.Value(body, "choria_tally_good_events{component=\"server\",active=\"1\"}"));
        Assert.Equal(5, ScrapeText.Value(body, "choria_tally_versions{component=\"server\",version=\"0.29.3\",active=\"1\"}"));
    }
}
