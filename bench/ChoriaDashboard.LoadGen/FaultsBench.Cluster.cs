using System.Diagnostics;
using System.Globalization;
using NATS.Client.Core;

namespace ChoriaDashboard.LoadGen;

/// <summary>
/// Fault 6: on a three-node cluster, the broker the app is connected to killed under steady load from publishers on the
/// other two, several times; fault 7 (<c>FaultsBench.ClusterReplay.cs</c>) kills a broker in the middle of a replay.
/// </summary>
internal sealed partial class FaultsBench
{
    /// <summary>Kills of the app's broker in fault 6: 3, or 1 in a smoke run.</summary>
    private int ClusterKills => o.Smoke ? 1 : 3;

    private async Task ClusterFailoverAsync(FaultSection section)
    {
        var staleAfter = TimeSpan.FromSeconds(20);
        section.Test = "`ClusterFailoverTests.Failover_BrokerKilledUnderLoad_ReconnectsToAnotherBrokerWithoutJudgingTheGapOrApplyingAnythingTwice` (300 nodes, alives every second, stale after 3 s, one kill; every stale or dead judgement and every accepted event recorded from the stream)";
        section.Done(
            "A fresh cluster of three nats-server processes (routes in a full mesh, JetStream on each with its own store, each " +
            "on ports it keeps across a kill) and a fresh app with `Nats:Url` set to all three URLs (the NATS client picks one). " +
            $"{o.Nodes:N0} nodes start, then each sends an alive every {o.AliveInterval.TotalSeconds:0} s " +
            $"({o.Nodes / o.AliveInterval.TotalSeconds:N0} msg/s, spread evenly), published only through the two brokers the app " +
            "is not connected to (one publisher per broker, alternate messages), so every event reaches the app over a route. " +
            $"{char.ToUpperInvariant(Times(ClusterKills)[0])}{Times(ClusterKills)[1..]}: {o.Between.TotalSeconds:0} s of that load, then the broker the app names in `/api/fleet` " +
            "(`nats.server`) is killed (SIGKILL); once the app is connected and subscribed again elsewhere, the killed broker is " +
            "started again on its ports and store, the runner waits for its routes to the other two and for its publisher to " +
            "reconnect, and the load moves to the two brokers the app is not on now (so the restarted broker carries load). " +
            "The app keeps the NATS client's own reconnect and runs without replay (no streams: what is measured is the live " +
            $"path). Liveness is scaled down so a false judgement would show within the run: stale after {staleAfter.TotalSeconds:0} s, " +
            $"dead after {staleAfter.TotalSeconds * 2:0} s. The runner reads `/api/fleet` every 20 ms and keeps every reading. At the " +
            "end a marker alive follows the load; once it is in the view, every message published before it has been received or lost.");

        var clock = Stopwatch.StartNew();
        await using var cluster = await FaultCluster.StartAsync(_artifacts, "cluster-failover");
        await WaitMeshAsync(cluster, TimeSpan.FromSeconds(30));
        await using var app = await FaultApp.StartAsync(o, cluster.Urls, _artifacts, "cluster-failover",
            ["Fleet:StaleAfter=" + staleAfter.ToString("c", CultureInfo.InvariantCulture), "Fleet:DeadAfter=" + (staleAfter * 2).ToString("c", CultureInfo.InvariantCulture), "Fleet:SweepInterval=00:00:01", "Replay:Enabled=false"]);
        await using var watch = new FleetWatch(app, clock, TimeSpan.FromMilliseconds(20));
        var publishers = cluster.Nodes.Select(n => new ClusterPublisher(n, "choria-loadgen-cluster")).ToList();
        try
        {
            foreach (var publisher in publishers)
            {
                await publisher.ConnectAsync();
            }

            var first = (await watch.UntilAsync(s => s.Ready && cluster.NodeAt(s.Server) is not null, Long, "the app to name a broker of the cluster")).State;
            var active = AwayFrom(publishers, cluster.NodeAt(first.Server)!);
            Log.Line($"cluster: the app is on {cluster.NodeAt(first.Server)}; load through {string.Join(", ", active.Select(p => p.Node.Name))}");

            // The fleet starts through the first publisher away from the app, never far ahead of what the app has taken.
            var startups = Messages.Startups(o.Nodes);
            for (var i = 0; i < startups.Length; i++)
            {
                await active[0].PublishAsync(startups[i]);
                if (i % 1024 == 1023)
                {
                    await watch.UntilAsync(s => s.Processed >= i + 1 - 8192, TimeSpan.FromSeconds(30), "the app to take the startups");
                }
            }

            await active[0].FlushAsync();
            var (seededAt, seeded) = await watch.UntilAsync(s => s.Live == o.Nodes && s.Accepted == o.Nodes && s.QueueLength == 0, Long, $"all {o.Nodes:N0} nodes live and counted");

            var sent = new List<TimeSpan>();
            var load = new ClusterLoad(Messages.Alives(o.Nodes), o.Nodes / o.AliveInterval.TotalSeconds, clock, sent) { Through = active };
            var loadTask = load.RunAsync();

            var kills = new List<ClusterKill>();
            for (var k = 1; k <= ClusterKills; k++)
            {
                await Task.Delay(o.Between);
                var before = watch.Last.State;
                var victim = cluster.NodeAt(before.Server) ?? throw new InvalidOperationException($"the app names no broker of the cluster: '{before.Server}' ({cluster.Urls})");
                var killed = clock.Elapsed;
                await victim.KillAsync();
                var noticed = (await watch.UntilAsync(s => !s.Ready || s.Server != victim.Url, TimeSpan.FromSeconds(30), "the app to see its broker gone")).At;
                var (backAt, back) = await watch.UntilAsync(s => s.Ready && s.Server is not null && s.Server != victim.Url, Long, $"the app to connect to another broker after kill {k}");
                var errors = watch.Readings.Where(x => x.At >= killed && x.At <= backAt).Select(x => x.State.LastError).OfType<string>().Distinct().ToList();
                var worstInGap = watch.Readings.Where(x => x.At >= killed && x.At <= backAt).Select(x => x.State.Stale + x.State.Dead).DefaultIfEmpty().Max();
                kills.Add(new ClusterKill(victim, cluster.NodeAt(back.Server), killed, noticed, backAt, errors));
                Log.Line($"cluster kill {k}: {victim.Name} killed; noticed after {(noticed - killed).TotalMilliseconds:0} ms; connected to {back.Server} after {(backAt - killed).TotalSeconds:0.00} s; lastError seen: {string.Join(" | ", errors)}; worst stale+dead in the gap {worstInGap}");

                // The node back, its routes formed and a publisher on it again, then the load moves away from the app's
                // broker. The old publisher may have followed the servers the cluster advertised to another broker while
                // its own was down: a fresh one is on the restarted broker for sure.
                await victim.StartAsync();
                await WaitMeshAsync(cluster, Long);
                var index = publishers.FindIndex(p => p.Node == victim);
                await publishers[index].DisposeAsync();
                publishers[index] = new ClusterPublisher(victim, "choria-loadgen-cluster");
                await publishers[index].ConnectAsync();

                kills[^1] = kills[^1] with { Restored = clock.Elapsed };
                active = AwayFrom(publishers, cluster.NodeAt(back.Server)!);
                load.Through = active;
                Log.Line($"cluster: {victim.Name} back and meshed {(clock.Elapsed - backAt).TotalSeconds:0.0} s after the app reconnected; load through {string.Join(", ", active.Select(p => p.Node.Name))}");
            }

            await Task.Delay(o.Between);
            await load.StopAsync();
            await loadTask;
            foreach (var publisher in active)
            {
                await publisher.FlushAsync();
            }

            var tally = await SteadyLoadTally.AfterMarkerAsync(
                async () =>
                {
                    await active[0].PublishAsync(Messages.Alive(0, "marker"));
                    await active[0].FlushAsync();
                },
                watch, o.Nodes, seededAt, seeded, sent, at => kills.Any(x => at >= x.Killed - KillSlack && at <= x.Connected + KillSlack), Long);
            var end = tally.End;
            var gaps = kills.Select(x => (x.Connected - x.Killed).TotalSeconds).ToList();

            for (var k = 0; k < kills.Count; k++)
            {
                var x = kills[k];
                section.Figure(
                    $"kill {k + 1}: the app's broker → the broker it connected to; kill → seen gone, kill → connected and subscribed again",
                    $"{x.Victim.Name} → {x.Now?.Name ?? "?"}; {(x.Noticed - x.Killed).TotalMilliseconds:0} ms, {(x.Connected - x.Killed).TotalSeconds:0.00} s");
                section.Figure($"kill {k + 1}: `nats.lastError` seen during the gap", x.Errors.Count == 0 ? "none" : string.Join("; then ", x.Errors.Select(e => $"\"{e}\"")));
                section.Figure($"kill {k + 1}: killed broker started again, routes to both others and its publisher back", $"{(x.Restored - x.Connected).TotalSeconds:0.0} s after the app had reconnected");
            }

            section.Figure("kill → connected again: median, max", $"{Median(gaps):0.00} s, {gaps.Max():0.00} s; `currency.deafTime` at the end (since the app started): {end.DeafTime}");

            section.Check("after every kill the app connects to another broker of the cluster by itself", kills.Count == ClusterKills && kills.All(x => x.Now is not null && x.Now != x.Victim), string.Join("; ", kills.Select(x => $"{x.Victim.Name} → {x.Now?.Name ?? "none"}")));
            // A failover within one look of the reader leaves nothing to see: those kills are named, not counted against it.
            var seen = kills.Where(x => x.Errors.Count > 0).ToList();
            section.Check(
                "the status names the broker that was lost while it reconnects (where the 20 ms reader saw the gap)",
                seen.Count > 0 && seen.All(x => x.Errors.Any(e => e.Contains(x.Victim.Url, StringComparison.Ordinal))),
                string.Join("; ", kills.Select((x, i) => $"kill {i + 1}, {x.Victim.Url}: {(x.Errors.Count == 0 ? "no lastError in the readings of the gap" : string.Join(", then ", x.Errors))}")));
            section.Check("the status names the new broker once connected", kills.All(x => x.Now is not null), string.Join("; ", kills.Select(x => $"nats.server {x.Now?.Url ?? "none"}")));
            tally.Report(section, app, o.Nodes, KillSlack, "nothing lost beyond what the app could not hear while it reconnected", "gaps");
        }
        finally
        {
            foreach (var publisher in publishers)
            {
                await publisher.DisposeAsync();
            }
        }
    }

    /// <summary>The publishers on the brokers other than <paramref name="node"/>, connected now.</summary>
    private static ClusterPublisher[] AwayFrom(IEnumerable<ClusterPublisher> publishers, FaultClusterNode node)
    {
        var away = publishers.Where(p => p.Node != node && p.Open).ToArray();
        return away.Length == 2 ? away : throw new InvalidOperationException($"expected two publishers away from {node}, connected: {string.Join(", ", away.Select(p => p.Node.Name))}");
    }

    /// <summary>Waits until every running server of <paramref name="cluster"/> has a route to every other running one.</summary>
    private static async Task WaitMeshAsync(FaultCluster cluster, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var running = cluster.Nodes.Where(n => n.Running).ToList();
            var routes = await Task.WhenAll(running.Select(n => n.RoutesAsync()));
            if (routes.All(r => r >= running.Count - 1))
            {
                return;
            }

            if (sw.Elapsed > timeout)
            {
                throw new TimeoutException($"the cluster's routes did not form within {timeout.TotalSeconds:0} s: {string.Join(", ", running.Select((n, i) => $"{n.Name} {routes[i]}"))}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>One kill of the app's broker: which, where the app went, and when (on the run's clock).</summary>
    private sealed record ClusterKill(FaultClusterNode Victim, FaultClusterNode? Now, TimeSpan Killed, TimeSpan Noticed, TimeSpan Connected, IReadOnlyList<string> Errors)
    {
        /// <summary>When the killed broker was back, meshed, with its publisher reconnected.</summary>
        public TimeSpan Restored { get; init; }
    }
}

/// <summary>A publisher on one broker of a cluster only (it does not follow the servers the cluster advertises), reconnecting every 100 ms.</summary>
internal sealed class ClusterPublisher(FaultClusterNode node, string name) : IAsyncDisposable
{
    private readonly NatsConnection _connection = new(NatsOpts.Default with
    {
        Url = node.Url,
        Name = $"{name}-{node.Name}",
        WriterBufferSize = 4 * 1024 * 1024,
        ReconnectWaitMin = TimeSpan.FromMilliseconds(100),
        ReconnectWaitMax = TimeSpan.FromMilliseconds(100),
        MaxReconnectRetry = -1,
    });

    public FaultClusterNode Node { get; } = node;

    /// <summary>Connected now, to its own broker.</summary>
    public bool Open => _connection.ConnectionState == NatsConnectionState.Open && _connection.ServerInfo?.Name == Node.Name;

    public Task ConnectAsync() => _connection.ConnectAsync().AsTask();

    public ValueTask PublishAsync(Msg m, CancellationToken ct = default) => _connection.PublishAsync(m.Subject, m.Body, m.Headers, cancellationToken: ct);

    /// <summary>Waits until the server has everything published so far.</summary>
    public async Task FlushAsync() => await _connection.PingAsync();

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}

/// <summary>
/// Steady alives at <c>perSecond</c>, spread evenly, message k through <see cref="Through"/>[k % n]; the moment each was
/// published is kept in <c>sent</c>. <see cref="Through"/> may change while it runs (the load moves between brokers).
/// </summary>
internal sealed class ClusterLoad(Msg[] alives, double perSecond, Stopwatch clock, List<TimeSpan> sent)
{
    private readonly CancellationTokenSource _stop = new();
    private volatile ClusterPublisher[] _through = [];

    /// <summary>The publishers the load goes through now, in turn.</summary>
    public ClusterPublisher[] Through
    {
        get => _through;
        set => _through = value;
    }

    public async Task RunAsync()
    {
        var began = clock.Elapsed;
        long count = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var due = (long)((clock.Elapsed - began).TotalSeconds * perSecond);
                while (count < due)
                {
                    var through = Through;
                    await through[(int)(count % through.Length)].PublishAsync(alives[(int)(count % alives.Length)], _stop.Token);
                    sent.Add(clock.Elapsed);
                    count++;
                }

                await Task.Delay(20, _stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
    }
}
