using System.Diagnostics;
using System.Globalization;
using ChoriaDashboard.Events;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace ChoriaDashboard.LoadGen;

/// <summary>Fault 7: a broker of a three-node cluster killed in the middle of a replay of the whole fleet's history.</summary>
internal sealed partial class FaultsBench
{
    /// <summary>Nodes in the replayed history of fault 7 (3 events each): 100,000, or 5,000 in a smoke run.</summary>
    private int ReplayNodes => o.Smoke ? 5_000 : 100_000;

    private async Task ClusterReplayAsync(FaultSection section)
    {
        var settings = new List<string> { "Logging:LogLevel:ChoriaDashboard.Ingest.Replay=Information" };
        if (o.Smoke)
        {
            // The smoke run checks the machinery: a stalled pull resumes after 2 s, not after the default 30 s, and a
            // writer slowed down (small pulls, a small queue, a pause between batches, as ReplayResumeTests does) makes
            // the small replay last long enough for a kill to fall inside it.
            settings.AddRange(["Replay:StallTimeout=00:00:02", "Replay:PullBatchSize=256", "Ingest:QueueCapacity=1024", "Fleet:BatchDelay=00:00:00.040"]);
        }

        section.Test = "`ClusterFailoverTests.Replay_BrokerKilledMidReplay_CompletesFromAnotherBroker` and `Replay_BrokerHoldingTheReadKilledMidReplay_ResumesFromTheOthers` (1,000 nodes, a history spanning longer than StaleAfter of 4 s, a slowed writer, `Replay:StallTimeout` 2 s; every stale or dead judgement recorded)";
        section.Done(
            "A fresh three-node cluster; `CHORIA_EVENTS` and `CHORIA_MACHINE` created as Choria Streams defines them, with 3 " +
            $"replicas (file storage, a day's MaxAge), and the replay benchmark's history stored through JetStream: {ReplayNodes:N0} " +
            "nodes, 3 events each (startup, alive, then an alive or, for one node in five, a nagios state). Then a fresh app " +
            "(`Nats:Url` all three URLs, liveness and replay at their defaults" + (o.Smoke ? "; in this smoke run `Replay:StallTimeout` 2 s and a slowed writer: `Replay:PullBatchSize` 256, `Ingest:QueueCapacity` 1024, `Fleet:BatchDelay` 40 ms" : "") +
            ") is started three times: undisturbed; (a) the broker the app is connected to (`nats.server`) is killed (SIGKILL) when " +
            "`currency.replay` in `/api/fleet` shows a quarter replayed; (b) the same with the broker that leads `CHORIA_EVENTS` " +
            "(its Raft leader in the stream info). Between runs the killed broker is started again and the streams' replicas " +
            "are current again. The runner reads `/api/fleet` every 50 ms from the start and keeps the worst it saw. \"Complete " +
            "view\" is as in the replay benchmark: every node shown, `currency.isCurrent` and the broker ready.");

        await using var cluster = await FaultCluster.StartAsync(_artifacts, "cluster-replay");
        await WaitMeshAsync(cluster, TimeSpan.FromSeconds(30));
        await CreateChoriaStreamsAsync(cluster);
        var seeding = Stopwatch.StartNew();
        var stored = await StoreHistoryAsync(cluster, ReplayNodes);
        await WaitStreamsCurrentAsync(cluster, Long);
        section.Figure("history stored (R3, acknowledged by JetStream)", $"{stored:N0} events for {ReplayNodes:N0} nodes in {seeding.Elapsed.TotalSeconds:0} s");

        var calm = await ReplayRunAsync(cluster, stored, settings, "undisturbed", null);
        var connected = await ReplayRunAsync(cluster, stored, settings, "a", s => Task.FromResult(cluster.NodeAt(s.Server)));
        await RestoreAsync(cluster, connected.Killed);
        var leader = await ReplayRunAsync(cluster, stored, settings, "b", async _ => cluster.Named(await StreamLeaderAsync(cluster, ChoriaStreams.Events)));

        foreach (var run in new[] { calm, connected, leader })
        {
            var label = run.Label == "undisturbed" ? "undisturbed" : $"({run.Label}) killed {run.Killed?.Name ?? "?"}, {(run.Label == "a" ? "the app's broker" : "the CHORIA_EVENTS leader")}";
            var kill = run.Killed is null ? "" : $"; killed at {run.KilledAt.Replayed:N0} of {run.KilledAt.Total:N0} replayed, {run.KillAt.TotalSeconds:0.0} s after the start; the app was on {run.WasOn?.Name ?? "?"}, then on {run.EndedOn?.Name ?? "?"}";
            section.Figure($"{label}: app start → complete view", $"{run.Complete.TotalSeconds:0.0} s" + (run.Killed is null ? "" : $" ({run.Complete.TotalSeconds - calm.Complete.TotalSeconds:+0.0;-0.0} s against undisturbed)") + kill);
            section.Figure($"{label}: `currency.replayInterruptions`; what the app logged", $"{run.End.ReplayInterruptions}; {(run.Interruptions.Count == 0 ? "no interruption logged" : string.Join(" / ", run.Interruptions))}");
            section.Figure($"{label}: nodes at the end (live, stale, dead, stopped); worst stale, dead at any reading", $"{run.End.Live:N0}, {run.End.Stale:N0}, {run.End.Dead:N0}, {run.End.Stopped:N0} of {run.End.Nodes:N0}; {run.WorstStale:N0}, {run.WorstDead:N0} ({run.Readings:N0} readings)");
            section.Figure($"{label}: the app's log on the replay", run.ReplayedLine ?? "no line");
            section.Figure($"{label}: accepted + superseded, rejected; peak RSS (VmHWM)", $"{run.End.Accepted + run.End.Superseded:N0} of {stored:N0}, {run.End.Rejected:N0}; {Fmt.MB(run.Peak)}");
        }

        foreach (var run in new[] { calm, connected, leader })
        {
            var who = run.Label == "undisturbed" ? "undisturbed" : $"({run.Label})";
            var end = run.End;
            if (run.Killed is not null)
            {
                section.Check($"{who}: the kill came in the middle of the replay", run.KilledAt.Total > 0 && run.KilledAt.Replayed < run.KilledAt.Total, $"{run.KilledAt.Replayed:N0} of {run.KilledAt.Total:N0}");
            }

            section.Check($"{who}: the replay completes" + (run.Killed is null ? "" : " from the brokers left"), run.Completed && end.IsCurrent && end.Server is not null && cluster.NodeAt(end.Server) != run.Killed, $"{(run.Completed ? $"complete after {run.Complete.TotalSeconds:0.0} s" : "not complete")}, connected to {end.Server ?? "none"}");
            section.Check($"{who}: every node live as stored, none stale or dead at any reading", end.Nodes == ReplayNodes && end.Live == ReplayNodes && run.WorstStale == 0 && run.WorstDead == 0, $"{end.Live:N0} of {ReplayNodes:N0} live; worst {run.WorstStale} stale, {run.WorstDead} dead");
            section.Check($"{who}: every stored event once: accepted or superseded, none rejected", end.Accepted + end.Superseded == stored && end.Rejected == 0, $"{end.Accepted:N0} + {end.Superseded:N0} of {stored:N0}, {end.Rejected:N0} rejected");
            section.Check($"{who}: the history complete and available (`historyIncomplete`, `historyUnavailable` null)", end.HistoryIncomplete is null && end.HistoryUnavailable is null, $"{end.HistoryIncomplete ?? "null"}, {end.HistoryUnavailable ?? "null"}");
        }
    }

    /// <summary>
    /// Starts the app against the cluster and reads <c>/api/fleet</c> until the view is complete; when
    /// <paramref name="choose"/> is given, kills the broker it picks (from the reading) once a quarter is replayed.
    /// </summary>
    private async Task<ReplayRun> ReplayRunAsync(FaultCluster cluster, long stored, List<string> settings, string label, Func<FleetReadout, Task<FaultClusterNode?>>? choose)
    {
        var clock = Stopwatch.StartNew();
        await using var app = await FaultApp.StartAsync(o, cluster.Urls, _artifacts, $"cluster-replay-{label}", settings, waitReady: false);
        await using var watch = new FleetWatch(app, clock, TimeSpan.FromMilliseconds(50));
        var run = new ReplayRun(label);
        FaultClusterNode? killed = null;
        if (choose is not null)
        {
            var (at, state) = await watch.UntilAsync(s => (s.Replay is { Total: > 0 } r && r.Replayed >= r.Total / 4) || Complete(s), Long, "a quarter of the history to be replayed");
            var victim = await choose(state) ?? throw new InvalidOperationException($"no broker of the cluster to kill (the app names '{state.Server}')");
            await victim.KillAsync();
            killed = victim;
            run = run with { Killed = victim, KillAt = at, KilledAt = state.Replay ?? (stored, stored), WasOn = cluster.NodeAt(state.Server) };
            Log.Line($"cluster replay ({label}): killed {victim} at {run.KilledAt.Replayed:N0} of {run.KilledAt.Total:N0}, {at.TotalSeconds:0.0} s after the start; the app was on {state.Server}");
        }

        var complete = await watch.WaitAsync(Complete, Long);
        var end = complete?.State ?? watch.Last.State;
        if (complete is not null)
        {
            // The writer counts a batch as accepted just after its summary is out: wait for the counts to settle.
            end = (await watch.WaitAsync(s => s.QueueLength == 0 && s.Accepted + s.Superseded + s.Rejected >= stored, TimeSpan.FromSeconds(30)))?.State ?? watch.Last.State;
        }

        var readings = watch.Readings;
        var memory = app.Memory;
        var logged = await File.ReadAllLinesAsync(app.LogPath);
        run = run with
        {
            Completed = complete is not null,
            Complete = complete?.At ?? clock.Elapsed,
            End = end,
            EndedOn = cluster.NodeAt(end.Server),
            WorstStale = readings.Max(x => x.State.Stale),
            WorstDead = readings.Max(x => x.State.Dead),
            Readings = readings.Count,
            Peak = memory.Peak,
            ReplayedLine = logged.LastOrDefault(l => l.Contains("Replayed ", StringComparison.Ordinal))?.Trim(),
            Interruptions = [.. logged.Where(l => l.Contains("interrupted", StringComparison.Ordinal) || l.Contains("Gave up", StringComparison.Ordinal)).Select(l => l.Trim()).Take(4)],
        };
        Log.Line($"cluster replay ({label}): {(run.Completed ? "complete" : "NOT complete")} after {run.Complete.TotalSeconds:0.0} s; {end.Live:N0} live, worst {run.WorstStale} stale, {run.WorstDead} dead; {end.ReplayInterruptions} interruptions; peak RSS {Fmt.MB(run.Peak)}");
        return run;

        // After a kill, only a reading that no longer names the killed broker: the app may not have noticed it yet.
        bool Complete(FleetReadout s) => s.Nodes >= ReplayNodes && s.IsCurrent && s.Ready && s.Replay is null && (killed is null || cluster.NodeAt(s.Server) != killed);
    }

    /// <summary>Starts <paramref name="node"/> again, waits for its routes and for both streams' replicas to be current.</summary>
    private static async Task RestoreAsync(FaultCluster cluster, FaultClusterNode? node)
    {
        if (node is null)
        {
            return;
        }

        await node.StartAsync();
        await WaitMeshAsync(cluster, Long);
        await WaitStreamsCurrentAsync(cluster, Long);
    }

    /// <summary>Creates both Choria streams with 3 replicas, retrying while the cluster's meta leader is not settled.</summary>
    private static async Task CreateChoriaStreamsAsync(FaultCluster cluster)
    {
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = cluster.Urls, Name = "choria-loadgen-streams" });
        var js = new NatsJSContext(connection);
        foreach (var (name, subjects) in new[] { (ChoriaStreams.Events, ChoriaStreams.EventsSubjects), (ChoriaStreams.Machine, ChoriaStreams.MachineSubjects) })
        {
            var sw = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    await js.CreateStreamAsync(new StreamConfig(name, [subjects]) { MaxAge = TimeSpan.FromDays(1), NumReplicas = 3, Storage = StreamConfigStorage.File });
                    break;
                }
                catch (Exception e) when ((e is NatsJSApiException or NatsJSApiNoResponseException or NatsNoRespondersException or TimeoutException) && sw.Elapsed < TimeSpan.FromSeconds(60))
                {
                    // Right after the election the meta leader may not know every peer yet ("no suitable peers for
                    // placement", code 400), or there is no meta leader yet (503, or no answer).
                    await Task.Delay(250);
                }
            }
        }
    }

    /// <summary>Stores the replay benchmark's history (startups, alives, then alives or nagios states), each acknowledged.</summary>
    private static async Task<long> StoreHistoryAsync(FaultCluster cluster, int nodes)
    {
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = cluster.Urls, Name = "choria-loadgen-history" });
        var js = new NatsJSContext(connection);
        var messages = new List<Msg>(nodes * 3);
        messages.AddRange(Messages.Startups(nodes));
        messages.AddRange(Messages.Alives(nodes));
        messages.AddRange(Enumerable.Range(0, nodes).Select(i => Messages.HasChecks(i) ? Messages.Nagios(i, 0) : Messages.Alive(i)));
        var pending = new Queue<NatsJSPublishConcurrentFuture>();
        foreach (var m in messages)
        {
            pending.Enqueue(await js.PublishConcurrentAsync(m.Subject, m.Body, headers: m.Headers));
            if (pending.Count >= 2000)
            {
                await using var future = pending.Dequeue();
                (await future.GetResponseAsync()).EnsureSuccess();
            }
        }

        while (pending.TryDequeue(out var future))
        {
            await using (future)
            {
                (await future.GetResponseAsync()).EnsureSuccess();
            }
        }

        Log.Line($"cluster replay: stored {messages.Count:N0} events ({Messages.Describe(messages)})");
        return messages.Count;
    }

    /// <summary>Waits until both Choria streams have a leader and two current followers.</summary>
    private static async Task WaitStreamsCurrentAsync(FaultCluster cluster, TimeSpan timeout)
    {
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = cluster.RunningUrls, Name = "choria-loadgen-streams" });
        var js = new NatsJSContext(connection);
        var sw = Stopwatch.StartNew();
        foreach (var name in new[] { ChoriaStreams.Events, ChoriaStreams.Machine })
        {
            while (true)
            {
                try
                {
                    var info = (await js.GetStreamAsync(name)).Info;
                    if (info.Cluster?.Leader is { Length: > 0 } && (info.Cluster.Replicas?.Count(r => r.Current) ?? 0) >= 2)
                    {
                        break;
                    }
                }
                catch (Exception e) when (e is NatsException or TimeoutException)
                {
                }

                if (sw.Elapsed > timeout)
                {
                    throw new TimeoutException($"{name} did not have a leader and two current replicas within {timeout.TotalSeconds:0} s");
                }

                await Task.Delay(100);
            }
        }
    }

    /// <summary>The name of the server that leads <paramref name="stream"/> now (its Raft leader).</summary>
    private static async Task<string?> StreamLeaderAsync(FaultCluster cluster, string stream)
    {
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = cluster.RunningUrls, Name = "choria-loadgen-streams" });
        var js = new NatsJSContext(connection);
        return (await js.GetStreamAsync(stream)).Info.Cluster?.Leader;
    }

    /// <summary>One start of the app against the stored history: what was killed and when, and what the app showed.</summary>
    private sealed record ReplayRun(string Label)
    {
        public FaultClusterNode? Killed { get; init; }

        public TimeSpan KillAt { get; init; }

        public (long Replayed, long Total) KilledAt { get; init; }

        public FaultClusterNode? WasOn { get; init; }

        public FaultClusterNode? EndedOn { get; init; }

        public bool Completed { get; init; }

        public TimeSpan Complete { get; init; }

        public FleetReadout End { get; init; } = null!;

        public int WorstStale { get; init; }

        public int WorstDead { get; init; }

        public int Readings { get; init; }

        public long Peak { get; init; }

        public IReadOnlyList<string> Interruptions { get; init; } = [];

        /// <summary>The app's own log line on the replay's end (messages and time), if it logged one.</summary>
        public string? ReplayedLine { get; init; }
    }
}
