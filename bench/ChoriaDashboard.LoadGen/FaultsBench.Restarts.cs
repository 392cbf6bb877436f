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
        var tally = await SteadyLoadTally.AfterMarkerAsync(
            async () =>
            {
                await publisher.PublishAsync(Messages.Alive(0, "marker"));
                await publisher.FlushAsync();
            },
            watch, o.Nodes, seededAt, seeded, sent, at => outages.Any(x => at >= x.Killed - KillSlack && at <= x.Ready + KillSlack), Long);
        var end = tally.End;
        var reconnects = outages.Select(x => (x.Ready - x.Started).TotalSeconds).ToList();
        var deaf = outages.Select(x => (x.Ready - x.Killed).TotalSeconds).ToList();

        section.Figure("reconnect time, broker listening → app subscribed again (each restart)", string.Join(", ", reconnects.Select(s => s.ToString("0.00", CultureInfo.InvariantCulture) + " s")));
        section.Figure("reconnect time: median, max", $"{Median(reconnects):0.00} s, {reconnects.Max():0.00} s");
        section.Figure("kill → app reports the broker gone (median, max)", $"{Median(outages.Select(x => (x.Noticed - x.Killed).TotalMilliseconds)):0} ms, {outages.Max(x => (x.Noticed - x.Killed).TotalMilliseconds):0} ms");
        section.Figure("kill → app subscribed again (deaf time per restart: median, max)", $"{Median(deaf):0.00} s, {deaf.Max():0.00} s; the app's own count: {end.DeafTime}");
        section.Check("the app reconnects by itself after every restart", outages.Count == o.Restarts, $"{outages.Count} of {o.Restarts}");
        tally.Report(section, app, o.Nodes, KillSlack, "nothing lost beyond what the broker dropped while the app could not hear", "outages");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}
