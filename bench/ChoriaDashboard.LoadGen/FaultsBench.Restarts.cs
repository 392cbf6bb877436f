using System.Diagnostics;
using System.Globalization;

namespace ChoriaDashboard.LoadGen;

/// <summary>Fault 1: the broker killed and started again, many times, while the fleet sends its alives.</summary>
internal sealed partial class FaultsBench
{
    /// <summary>What counts as published around a kill: a message already written may die with the broker.</summary>
    private static readonly TimeSpan KillSlack = TimeSpan.FromMilliseconds(250);

    private async Task RestartsAsync(FaultSection section)
    {
        var staleAfter = TimeSpan.FromSeconds(20);
        section.Test = "`BrokerRestartTests.BrokerRestart_ThreeTimesUnderSteadyLoad_NothingLostWhileSubscribedNothingTwiceNoFalseStaleOrDead` (3 restarts, 50 nodes, alives every 500 ms; every stale or dead judgement recorded from the stream)";
        section.Done(
            $"{o.Nodes:N0} nodes start, then each sends an alive every {o.AliveInterval.TotalSeconds:0} s ({o.Nodes / o.AliveInterval.TotalSeconds:N0} msg/s, " +
            $"spread evenly). {o.Restarts} times: {o.Between.TotalSeconds:0} s of that load, then nats-server is killed (SIGKILL), stays down " +
            $"{o.Down.TotalSeconds:0} s and is started again on the same port. The publisher reconnects every 100 ms and keeps publishing " +
            "(what it publishes while the broker is down waits in its client). The app keeps the NATS client's own reconnect " +
            $"(2 s, doubling to 5 s). Liveness is scaled down so a false judgement would show within the run: stale after " +
            $"{staleAfter.TotalSeconds:0} s, dead after {staleAfter.TotalSeconds * 2:0} s. The runner reads `/api/fleet` every 20 ms " +
            "and keeps the worst it saw. At the end a marker alive follows the load; once it is in the view, every message " +
            "published before it has been received or lost.");

        var clock = Stopwatch.StartNew();
        await using var broker = await FaultBroker.StartAsync(_artifacts, "restarts");
        await using var app = await FaultApp.StartAsync(o, broker.Url, _artifacts, "restarts",
            ["Fleet:StaleAfter=" + staleAfter.ToString("c", CultureInfo.InvariantCulture), "Fleet:DeadAfter=" + (staleAfter * 2).ToString("c", CultureInfo.InvariantCulture), "Fleet:SweepInterval=00:00:01", "Replay:Enabled=false"]);
        await using var watch = new FleetWatch(app, clock, TimeSpan.FromMilliseconds(20));
        await using var publisher = new Publisher(broker.Url, "choria-loadgen-restarts", TimeSpan.FromMilliseconds(100));
        await publisher.ConnectAsync();

        var startups = Messages.Startups(o.Nodes);
        await publisher.WindowedAsync(startups, 1, () => watch.Last.State?.Processed ?? 0, 8192, TimeSpan.FromSeconds(20));
        // The writer counts a batch as accepted just after its summary is out: wait for both, or the deltas below are off.
        var (seededAt, seeded) = await watch.UntilAsync(s => s.Live == o.Nodes && s.Accepted == o.Nodes && s.QueueLength == 0, Long, $"all {o.Nodes:N0} nodes live and counted");

        // The steady load, each message's moment kept.
        var alives = Messages.Alives(o.Nodes);
        var sent = new List<TimeSpan>(capacity: (int)Math.Min(int.MaxValue, o.Nodes / o.AliveInterval.TotalSeconds * (o.Restarts + 2) * (o.Between + o.Down + TimeSpan.FromSeconds(6)).TotalSeconds));
        using var stopLoad = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            var perSecond = o.Nodes / o.AliveInterval.TotalSeconds;
            var began = clock.Elapsed;
            long count = 0;
            try
            {
                while (!stopLoad.IsCancellationRequested)
                {
                    var due = (long)((clock.Elapsed - began).TotalSeconds * perSecond);
                    while (count < due)
                    {
                        await publisher.PublishAsync(alives[(int)(count % alives.Length)], stopLoad.Token);
                        lock (sent)
                        {
                            sent.Add(clock.Elapsed);
                        }

                        count++;
                    }

                    await Task.Delay(20, stopLoad.Token);
                }
            }
            catch (OperationCanceledException) when (stopLoad.IsCancellationRequested)
            {
            }
        });

        var outages = new List<(TimeSpan Killed, TimeSpan Noticed, TimeSpan Started, TimeSpan Ready)>();
        for (var r = 1; r <= o.Restarts; r++)
        {
            await Task.Delay(o.Between);
            var killed = clock.Elapsed;
            await broker.KillAsync();
            var noticed = (await watch.UntilAsync(s => !s.Ready, TimeSpan.FromSeconds(30), "the app to see the broker gone")).At;
            var rest = o.Down - (clock.Elapsed - killed);
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }

            await broker.StartAsync();
            var started = clock.Elapsed;
            var ready = (await watch.UntilAsync(s => s.Ready, Long, $"the app to reconnect after restart {r}")).At;
            outages.Add((killed, noticed, started, ready));
            Log.Line($"restart {r}: noticed {(noticed - killed).TotalMilliseconds:0} ms after the kill; broker down {(started - killed).TotalSeconds:0.0} s; app subscribed again {(ready - started).TotalSeconds:0.00} s after the broker started");
        }

        await Task.Delay(o.Between);
        await stopLoad.CancelAsync();
        await load;
        await publisher.PublishAsync(Messages.Alive(0, "marker"));
        await publisher.FlushAsync();
        await watch.UntilAsync(s => s.Nodes == o.Nodes + 1, Long, "the marker to be in the view");
        var end = (await watch.UntilAsync(s => s.QueueLength == 0 && s.Processed >= s.Received, Long, "the writer to have applied everything received")).State;

        var published = sent.Count;
        var received = end.Received - seeded.Received - 1;
        var accepted = end.Accepted - seeded.Accepted - 1;
        var rejected = end.Rejected - seeded.Rejected;
        var lost = published - received;
        var allowed = sent.Count(at => outages.Any(x => at >= x.Killed - KillSlack && at <= x.Ready + KillSlack));
        var readings = watch.Readings.Where(x => x.At >= seededAt).ToList();
        var maxStale = readings.Max(x => x.State.Stale);
        var maxDead = readings.Max(x => x.State.Dead);
        var reconnects = outages.Select(x => (x.Ready - x.Started).TotalSeconds).ToList();
        var deaf = outages.Select(x => (x.Ready - x.Killed).TotalSeconds).ToList();

        section.Figure("reconnect time, broker listening → app subscribed again (each restart)", string.Join(", ", reconnects.Select(s => s.ToString("0.00", CultureInfo.InvariantCulture) + " s")));
        section.Figure("reconnect time: median, max", $"{Median(reconnects):0.00} s, {reconnects.Max():0.00} s");
        section.Figure("kill → app reports the broker gone (median, max)", $"{Median(outages.Select(x => (x.Noticed - x.Killed).TotalMilliseconds)):0} ms, {outages.Max(x => (x.Noticed - x.Killed).TotalMilliseconds):0} ms");
        section.Figure("kill → app subscribed again (deaf time per restart: median, max)", $"{Median(deaf):0.00} s, {deaf.Max():0.00} s; the app's own count: {end.DeafTime}");
        section.Figure("alives published / received by the app / accepted", $"{published:N0} / {received:N0} / {accepted:N0}");
        section.Figure("lost (published, never received)", $"{lost:N0}; published from {KillSlack.TotalMilliseconds:0} ms before a kill until the app was subscribed again: {allowed:N0}");
        section.Figure("worst seen by the 20 ms reader: stale, dead nodes", $"{maxStale}, {maxDead} ({readings.Count:N0} readings)");
        section.Figure("app RSS at the end, peak", $"{Fmt.MB(app.Memory.Rss)}, {Fmt.MB(app.Memory.Peak)}");

        section.Check("the app reconnects by itself after every restart", outages.Count == o.Restarts, $"{outages.Count} of {o.Restarts}");
        section.Check("nothing counted twice", accepted == received && rejected == 0, $"received {received:N0}, accepted {accepted:N0}, rejected {rejected:N0}");
        section.Check("nothing lost beyond what the broker dropped while the app could not hear", lost >= 0 && lost <= allowed, $"lost {lost:N0} ≤ {allowed:N0} published around the outages");
        section.Check("no false stale or dead, ever", maxStale == 0 && maxDead == 0 && end.Live == o.Nodes + 1, $"worst {maxStale} stale, {maxDead} dead; {end.Live:N0} of {o.Nodes + 1:N0} live at the end");
        section.Check("the view current again at the end", end.IsCurrent, end.Reason ?? "current");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}
