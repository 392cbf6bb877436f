using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Tests.Api.Metrics;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>
/// A burst larger than the NATS client buffers for the ingest (<c>Nats:PendingMessagesLimit</c>, small here): the
/// client drops what does not fit, and the dashboard says so (the view is not current, it may be missing events),
/// counts every dropped message in <c>/api/fleet</c> and <c>/metrics</c>, and recovers: the next alives bring every
/// node back, and the notice clears <c>Fleet:StaleAfter</c> after the last drop, not before.
/// </summary>
public sealed class SlowConsumerTests(NatsServerFixture nats, ITestOutputHelper output) : IClassFixture<NatsServerFixture>
{
    private const int Nodes = 3000;
    private const int PendingLimit = 64;

    /// <summary>Alives are published in rounds of this many, each taken before the next: well within the buffer.</summary>
    private const int Paced = PendingLimit / 2;

    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Burst_LargerThanClientBuffer_DropsCountedAndShownThenNextAlivesRestoreEveryNodeAndNoticeClears()
    {
        await using var app = new DashboardFactory(nats.Url, new Dictionary<string, string?>
        {
            ["Nats:PendingMessagesLimit"] = PendingLimit.ToString(CultureInfo.InvariantCulture),
            ["Fleet:StaleAfter"] = StaleAfter.ToString("c", CultureInfo.InvariantCulture),
            ["Fleet:DeadAfter"] = "00:10:00",
            ["Replay:Enabled"] = "false",
        });
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        var status = app.Services.GetRequiredService<IFleetStatus>();
        await using var publisher = new TestPublisher(nats.Url);

        // The burst: every node starts at once, as fast as the client writes (all three wire shapes).
        var burst = Stopwatch.StartNew();
        for (var i = 0; i < Nodes; i++)
        {
            await publisher.PublishAsync(Startup(Identity(i)), (WireFormat)(i % 3));
        }

        await publisher.FlushAsync();
        await Eventually.TrueAsync(() => status.Ingest.Accepted + Dropped(status) == Nodes, Timeout, $"each of the {Nodes} startups accepted or dropped");
        var dropped = Dropped(status);
        var afterBurst = await FleetApiIntegrationTests.GetFleetAsync(http);
        var sinceBurst = burst.Elapsed;
        output.WriteLine($"burst of {Nodes:N0} startups into a buffer of {PendingLimit}: {dropped:N0} dropped, {Nodes - dropped:N0} accepted; {sinceBurst.TotalMilliseconds:0} ms to account for all");
        Assert.True(dropped > 0, $"expected a burst of {Nodes} startups to overflow a client buffer of {PendingLimit} messages; nothing was dropped: {Ingest(afterBurst)}");

        // Detected and shown: the view says it may be missing events, and why; the count is the same everywhere.
        var currency = afterBurst.GetProperty("currency");
        Assert.True(!currency.GetProperty("isCurrent").GetBoolean() && currency.GetProperty("mayBeMissingEvents").GetBoolean(), $"expected the view not current, missing events, after drops: {currency}");
        Assert.Contains($"dropped {dropped:N0} messages (slow consumer)", currency.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(dropped, afterBurst.GetProperty("ingest").GetProperty("rejectedByReason").GetProperty("dropped").GetInt64());
        Assert.Equal(dropped, (long?)ScrapeText.Value(await http.GetStringAsync("/metrics"), "choria_dashboard_rejected_messages_total{reason=\"dropped\"}"));

        // No phantom and no double: the view holds exactly the nodes whose startup got through.
        Assert.Equal(Nodes - dropped, afterBurst.GetProperty("totals").GetProperty("nodes").GetInt64());

        // Recovery: the next alive of every node, at a pace the ingest keeps up with, brings every node back.
        for (var start = 0; start < Nodes; start += Paced)
        {
            var end = Math.Min(Nodes, start + Paced);
            for (var i = start; i < end; i++)
            {
                await publisher.PublishAsync(Alive(Identity(i)), (WireFormat)(i % 3));
            }

            await publisher.FlushAsync();
            var expected = Nodes + end;
            await Eventually.TrueAsync(() => status.Ingest.Accepted + Dropped(status) >= expected, Timeout, $"{expected} messages accounted for");
        }

        var recovered = await FleetApiIntegrationTests.GetFleetAsync(http);
        var recoveredAt = burst.Elapsed;
        var totals = recovered.GetProperty("totals");
        Assert.True(
            totals.GetProperty("nodes").GetInt32() == Nodes && totals.GetProperty("live").GetInt32() == Nodes,
            $"expected all {Nodes} nodes live after their next alive: {totals}; {Ingest(recovered)}");
        Assert.Equal(dropped, Dropped(status));

        // Every message published is accounted for once: received and accepted, or dropped by the client.
        var received = recovered.GetProperty("ingest").GetProperty("received").EnumerateObject().Sum(r => r.Value.GetInt64());
        Assert.Equal(2L * Nodes, received + dropped);
        Assert.Equal(received, recovered.GetProperty("ingest").GetProperty("accepted").GetInt64());

        // The notice stays for StaleAfter after the last drop (every live node has sent an alive by then), then clears.
        if (recoveredAt < StaleAfter)
        {
            Assert.True(recovered.GetProperty("currency").GetProperty("mayBeMissingEvents").GetBoolean(), $"expected the notice to hold until {StaleAfter} after the last drop; {recoveredAt} after the burst it reads {recovered.GetProperty("currency")}");
        }

        var cleared = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => f.GetProperty("currency").GetProperty("isCurrent").GetBoolean(),
            StaleAfter + Timeout,
            "the slow-consumer notice to clear");
        var clearedAt = burst.Elapsed;
        output.WriteLine($"recovered {recoveredAt.TotalSeconds:0.0} s after the burst began; notice cleared by {clearedAt.TotalSeconds:0.0} s (StaleAfter {StaleAfter.TotalSeconds:0} s after the last drop)");
        Assert.True(clearedAt >= StaleAfter, $"expected the notice to hold at least {StaleAfter} after the last drop (which came after the burst began); it cleared by {clearedAt}");
        Assert.False(cleared.GetProperty("currency").GetProperty("mayBeMissingEvents").GetBoolean());
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("currency").GetProperty("reason").ValueKind);

        // The counter is a counter: the drops stay counted after the notice is gone.
        Assert.Equal(dropped, cleared.GetProperty("ingest").GetProperty("rejectedByReason").GetProperty("dropped").GetInt64());
    }

    private static long Dropped(IFleetStatus status) => status.Ingest.RejectedByReason.GetValueOrDefault(RejectionReason.Dropped);

    private static string Ingest(JsonElement fleet) => fleet.GetProperty("ingest").ToString();
}
