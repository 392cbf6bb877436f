using System.Diagnostics;
using System.Globalization;

namespace ChoriaDashboard.LoadGen;

/// <summary>Fault 2: a burst the ingest cannot take as fast as it comes, past what the NATS client buffers for it.</summary>
internal sealed partial class FaultsBench
{
    private async Task SlowConsumerAsync(FaultSection section)
    {
        var staleAfter = TimeSpan.FromSeconds(o.Smoke ? 5 : 10);
        section.Test = "`SlowConsumerTests.Burst_LargerThanClientBuffer_DropsCountedAndShownThenNextAlivesRestoreEveryNodeAndNoticeClears` (3,000 startups into a buffer of 64)";
        section.Done(
            $"The app runs with `Nats:PendingMessagesLimit={o.PendingLimit}` (the default is 262,144, which absorbs a 100,000-node " +
            $"startup storm) and `Fleet:StaleAfter={staleAfter.TotalSeconds:0} s`. {o.Burst:N0} nodes start at once, published as fast as " +
            "the client writes: the NATS client drops what does not fit. Then every node's next alive comes, at a pace the ingest " +
            "keeps up with (at most half the buffer ahead of what the app has taken). The runner reads `/api/fleet` every 20 ms.");

        var clock = Stopwatch.StartNew();
        await using var broker = await FaultBroker.StartAsync(_artifacts, "slow");
        await using var app = await FaultApp.StartAsync(o, broker.Url, _artifacts, "slow",
            [$"Nats:PendingMessagesLimit={o.PendingLimit}", "Fleet:StaleAfter=" + staleAfter.ToString("c", CultureInfo.InvariantCulture), "Fleet:DeadAfter=00:10:00", "Fleet:SweepInterval=00:00:01", "Replay:Enabled=false"]);
        await using var watch = new FleetWatch(app, clock, TimeSpan.FromMilliseconds(20));
        await using var publisher = new Publisher(broker.Url, "choria-loadgen-slow");
        await publisher.ConnectAsync();
        var startups = Messages.Startups(o.Burst);
        var alives = Messages.Alives(o.Burst);

        var burstAt = clock.Elapsed;
        var blast = await publisher.BlastAsync(startups);
        await publisher.FlushAsync();
        var (accountedAt, accounted) = await watch.UntilAsync(s => s.Processed == o.Burst, Long, $"each of the {o.Burst:N0} startups accepted or dropped");
        var noticed = watch.Readings.FirstOrDefault(x => x.At >= burstAt && x.State.MayBeMissingEvents);
        var lastDropAt = watch.Readings.First(x => x.State.Dropped == accounted.Dropped).At;
        var metric = await app.MetricAsync("choria_dashboard_rejected_messages_total{reason=\"dropped\"}");

        await publisher.WindowedAsync(alives, 1, () => watch.Last.State?.Processed ?? 0, Math.Max(1, o.PendingLimit / 2), TimeSpan.FromSeconds(20));
        var (backAt, back) = await watch.UntilAsync(s => s.Nodes == o.Burst && s.Live == o.Burst, Long, $"all {o.Burst:N0} nodes back");
        var stillShown = back.MayBeMissingEvents;
        var (clearedAt, cleared) = await watch.UntilAsync(s => s.IsCurrent, staleAfter + Long, "the notice to clear");

        section.Figure("burst: startups published / written in", $"{o.Burst:N0} in {blast.TotalMilliseconds:0} ms ({Fmt.Rate(o.Burst / blast.TotalSeconds)})");
        section.Figure("dropped by the client (rejections `dropped`) / accepted", $"{accounted.Dropped:N0} / {accounted.Accepted:N0}; every startup accounted for {(accountedAt - burstAt).TotalMilliseconds:0} ms after the burst began");
        section.Figure("`choria_dashboard_rejected_messages_total{reason=\"dropped\"}`", metric.ToString("N0", CultureInfo.InvariantCulture));
        section.Figure("burst → notice shown in `/api/fleet` (`currency.mayBeMissingEvents`)", noticed.State is null ? "never" : $"{(noticed.At - burstAt).TotalMilliseconds:0} ms: \"{noticed.State.Reason}\"");
        section.Figure("burst → every node back and live (after the paced alives)", $"{(backAt - burstAt).TotalSeconds:0.0} s");
        section.Figure("last drop counted → notice cleared", $"{(clearedAt - lastDropAt).TotalSeconds:0.0} s (Fleet:StaleAfter {staleAfter.TotalSeconds:0} s; the runner reads every 20 ms)");

        section.Check("the overflow is detected and counted", accounted.Dropped > 0 && accounted.Dropped + accounted.Accepted == o.Burst, $"{accounted.Dropped:N0} dropped + {accounted.Accepted:N0} accepted = {o.Burst:N0} published");
        section.Check("the same count in `/api/fleet` and `/metrics`", metric == accounted.Dropped, $"{accounted.Dropped:N0} and {metric:N0}");
        section.Check("shown: the view says it may be missing events", noticed.State is { IsCurrent: false } && (noticed.State.Reason ?? "").Contains("slow consumer", StringComparison.Ordinal), noticed.State?.Reason ?? "never shown");
        section.Check("no phantom: the view holds the nodes whose startup got through", accounted.Nodes == accounted.Accepted, $"{accounted.Nodes:N0} nodes for {accounted.Accepted:N0} accepted startups");
        section.Check("the next alives bring every node back", back.Nodes == o.Burst && back.Live == o.Burst && back.Dropped == accounted.Dropped, $"{back.Live:N0} of {o.Burst:N0} live; dropped still {back.Dropped:N0}");
        section.Check("the notice holds for StaleAfter after the last drop, then clears", (clearedAt - lastDropAt) >= staleAfter - TimeSpan.FromMilliseconds(50) && cleared.IsCurrent && !cleared.MayBeMissingEvents && (stillShown || backAt - lastDropAt >= staleAfter),
            $"cleared {(clearedAt - lastDropAt).TotalSeconds:0.0} s after the last drop; shown still when every node was back: {stillShown}");
    }
}
