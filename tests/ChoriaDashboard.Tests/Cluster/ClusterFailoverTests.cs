using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Ingest;
using ChoriaDashboard.Tests.Infrastructure;
using ChoriaDashboard.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Cluster;

/// <summary>
/// The dashboard given every broker of a three-node cluster, as Choria's brokers run: the broker it is connected to dies
/// under load, or before or during the replay of Choria Streams (replicated on all three). It carries on from another
/// broker, says which, and judges no node on the silence it could not hear.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterFailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Nodes under load, each sending an alive every <see cref="AliveEvery"/>.</summary>
    private const int LoadNodes = 300;

    private static readonly TimeSpan AliveEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan DeadAfter = TimeSpan.FromSeconds(6);

    /// <summary>Servers in a stored history.</summary>
    private const int HistoryNodes = 2000;

    /// <summary>Servers in a history that spans longer than <see cref="ReplayStaleAfter"/>, with this many early alives each.</summary>
    private const int ReplayNodes = 1000;

    private const int EarlyRounds = 20;

    /// <summary>
    /// Shorter than the time from the history's last event to the end of its replay (the app's start, a slowed replay, a
    /// broker failover and a new stream leader: 10 to 20 s on a busy 2-core machine): the nodes turn stale, then dead, for
    /// real once it is over, and the test tells those judgements from false ones by when they came.
    /// </summary>
    private static readonly TimeSpan ReplayStaleAfter = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task Failover_BrokerKilledUnderLoad_ReconnectsToAnotherBrokerWithoutJudgingTheGapOrApplyingAnythingTwice()
    {
        await using var cluster = await NatsCluster.StartAsync();
        await cluster.RecreateChoriaStreamsAsync(3);
        var recorder = default(FleetRecorder);
        var accepted = default(AcceptedEventRecorder);
        await using var app = new DashboardFactory(cluster.Urls, LoadSettings(), services: s =>
        {
            recorder = FleetRecorder.AddTo(s);
            accepted = AcceptedEventRecorder.AddTo(s);
        });
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        var status = app.Services.GetRequiredService<IFleetStatus>();
        var view = app.Services.GetRequiredService<IFleetView>();
        var broker = cluster.NodeAt(status.Broker.Server)
            ?? throw new InvalidOperationException($"the dashboard names no broker of the cluster: '{status.Broker.Server}' ({cluster.Urls})");

        // The fleet publishes through the other two brokers, so killing the dashboard's broker loses it no publisher.
        await using var load = new AliveLoad(cluster.Nodes.Where(n => n != broker).Select(n => n.Url), LoadNodes, "failover", AliveEvery);
        await load.StartAsync();
        await Eventually.TrueAsync(
            () => load.Rounds >= 4 && view.Nodes.Count == LoadNodes && view.Nodes.Values.All(n => n.State == NodeState.Live),
            Timeout,
            $"every node live after four rounds of alives (rounds {load.Rounds}, nodes {view.Nodes.Count})");

        var statuses = new ConcurrentQueue<BrokerStatus>();
        app.Services.GetRequiredService<BrokerConnectionMonitor>().Changed += statuses.Enqueue;
        var killedAt = DateTimeOffset.UtcNow;
        await broker.StopAsync();
        var reconnected = await Eventually.ValueAsync(
            () => Task.FromResult(status.Broker),
            b => b.State == BrokerState.Connected && b.Since > killedAt && b.Ready,
            Timeout,
            $"the dashboard to be connected and subscribed again after {broker} was killed");
        var failover = reconnected.Since - killedAt;
        var now = cluster.NodeAt(reconnected.Server);
        var gap = statuses.TakeWhile(b => b.State != BrokerState.Connected || b.Server == broker.Url).ToList();
        var told = string.Join(Environment.NewLine, gap.Select(b => $"  {b.State} since {b.Since:HH:mm:ss.fff}: {b.LastError} ({b.Reason})"));
        output.WriteLine($"killed {broker}, the dashboard's broker; connected to {now} after {failover.TotalMilliseconds:0} ms; meanwhile the status said:{Environment.NewLine}{told}");
        Assert.True(now is not null && now != broker, $"connected to '{reconnected.Server}' after {broker} was killed");
        var fleet = await FleetApiIntegrationTests.GetFleetAsync(http);
        Assert.Equal(reconnected.Server, fleet.GetProperty("nats").GetProperty("server").GetString());
        Assert.True(fleet.GetProperty("nats").GetProperty("lastError").ValueKind == JsonValueKind.Null, fleet.GetProperty("nats").ToString());

        // Meanwhile the status said, in words, which broker was lost (and which would not take the dashboard), never a
        // bare URL for an error.
        Assert.Contains(gap, b => b.State == BrokerState.Reconnecting && b.LastError == $"connection to {broker.Url} lost");
        Assert.All(gap, b => Assert.True(b.LastError is { } e && !cluster.Nodes.Any(n => e == n.Url), told));

        // The load goes on for longer than DeadAfter after the reconnect: a node judged on the gap would show by then.
        await Eventually.TrueAsync(() => DateTimeOffset.UtcNow - reconnected.Since > DeadAfter + TimeSpan.FromSeconds(1), Timeout, "DeadAfter to pass after the reconnect");
        await load.StopAsync();
        var sent = load.Sent.ToDictionary();

        // Every event sent from a second after the reconnect on is applied; the count of accepted events settles there.
        var settled = Eventually.ValueAsync(
            async () => (await FleetApiIntegrationTests.GetFleetAsync(http)).GetProperty("ingest").GetProperty("accepted").GetInt64(),
            n => n == accepted!.Accepted && sent.Where(s => s.Value > reconnected.Since.AddSeconds(1)).All(s => accepted.ById.ContainsKey(s.Key)),
            Timeout,
            "every event sent after the reconnect to be applied");
        var applied = await settled;

        // Nothing applied twice: every event carries an id of its own, and every accepted event is counted by id by a
        // reader that saw them all (no lag). An event applied twice has a count of 2; one the dashboard made up or took
        // from elsewhere (a replay after the reconnect, say) has an id never sent. And the dashboard's own count of
        // accepted events cannot exceed what was sent.
        var twice = accepted!.ById.Where(e => e.Value > 1).Select(e => e.Key).ToList();
        var unknown = accepted.ById.Keys.Where(id => !sent.ContainsKey(id)).ToList();
        var lost = sent.Where(s => !accepted.ById.ContainsKey(s.Key)).Select(s => s.Value).Order().ToList();
        output.WriteLine($"sent {sent.Count} events, accepted {applied}; lost {lost.Count} " +
            (lost.Count == 0 ? "" : $"(sent {(lost[0] - killedAt).TotalMilliseconds:0} to {(lost[^1] - killedAt).TotalMilliseconds:0} ms after the kill)"));
        Assert.Equal(0, accepted.Lags);
        Assert.Empty(twice);
        Assert.Empty(unknown);
        Assert.InRange(applied, 1, sent.Count);

        // What was lost was sent while the dashboard had no broker (give or take what was in flight): nothing else.
        Assert.All(lost, at => Assert.InRange(at, killedAt.AddSeconds(-1), reconnected.Since.AddSeconds(1)));

        // No node stale or dead for the gap, and every node live at the end.
        Assert.True(recorder!.Judged.IsEmpty, $"nodes judged: {string.Join(", ", recorder.Judged.Take(10))}");
        Assert.Empty(recorder.Deaths);
        Assert.Equal(LoadNodes, view.Nodes.Count);
        Assert.All(view.Nodes.Values, n => Assert.Equal(NodeState.Live, n.State));
    }

    [Fact]
    public async Task Restart_WhileOneBrokerIsDown_ReplayFromTheReplicatedStreamsIsComplete()
    {
        await using var cluster = await NatsCluster.StartAsync();
        await cluster.RecreateChoriaStreamsAsync(3);

        // The dashboard that ran before the restart saw the history live: that is the state to come back to.
        string before;
        List<string> beforeNodes;
        (long Events, long Machine) stored;
        await using (var running = new DashboardFactory(cluster.Urls, HistorySettings()))
        {
            using var runningHttp = running.CreateClient();
            await FleetApiIntegrationTests.WaitReadyAsync(runningHttp);
            stored = await PublishHistoryAsync(cluster);
            var seen = await WaitFleetAsync(runningHttp, f => Accounted(f) == stored.Events + stored.Machine, $"the running dashboard to apply the {stored.Events + stored.Machine} events");
            before = MixedFleet.Figures(seen);
            beforeNodes = await NodeRowsAsync(runningHttp);
        }

        // The leader of the lifecycle stream dies, so the replay reads from a replica that had to take over. The
        // dashboard starts once the streams have elected new leaders: the broker is down, not dying. (Started during the
        // election, the replay asks where CHORIA_EVENTS ends, gets no answer, and skips it for good: see the report of
        // issue 22; that is for src/Ingest/Replay to fix.) nats-server 2.9.10 goes on placing about one new consumer in
        // three on the dead server (for a minute at least), which never answers: the replay resumes each such read.
        var leader = await cluster.StreamLeaderAsync(ChoriaStreams.Events);
        await leader.StopAsync();
        var election = Stopwatch.StartNew();
        await cluster.WaitJetStreamAsync(Timeout);
        await cluster.WaitStreamsCurrentAsync(2, Timeout);
        output.WriteLine($"killed {leader}, the leader of {ChoriaStreams.Events}; new leaders after {election.Elapsed.TotalSeconds:0.0} s");
        var recorder = default(FleetRecorder);
        var log = default(AppLog);
        var watch = Stopwatch.StartNew();
        await using var app = new DashboardFactory(cluster.Urls, HistorySettings(), services: s =>
        {
            recorder = FleetRecorder.AddTo(s);
            log = AppLog.AddTo(s);
        });
        using var http = app.CreateClient();
        try
        {
            await Eventually.TrueAsync(async () => (await http.GetAsync("/readyz")).IsSuccessStatusCode, TimeSpan.FromSeconds(45), "/readyz to answer 200 (the replay caught up)");
        }
        catch (TimeoutException)
        {
            output.WriteLine(log!.Text());
            throw;
        }

        var fleet = await WaitFleetAsync(http, f => Accounted(f) >= stored.Events + stored.Machine, $"accepted + superseded to reach the {stored.Events + stored.Machine} stored events");
        var currency = fleet.GetProperty("currency");
        output.WriteLine($"restarted on {fleet.GetProperty("nats").GetProperty("server")}, caught up after {watch.Elapsed.TotalSeconds:0.0} s; currency {currency}");
        output.WriteLine(log!.Text("Replay"));

        Assert.True(currency.GetProperty("isCurrent").GetBoolean(), currency.ToString());
        Assert.Equal(JsonValueKind.Null, currency.GetProperty("historyIncomplete").ValueKind);
        Assert.Equal(JsonValueKind.Null, currency.GetProperty("historyUnavailable").ValueKind);
        Assert.Equal(JsonValueKind.Null, currency.GetProperty("replay").ValueKind);
        Assert.Equal(stored.Events + stored.Machine, Accounted(fleet));
        Assert.Equal(0, fleet.GetProperty("ingest").GetProperty("rejected").GetInt64());
        Assert.True(before == MixedFleet.Figures(fleet), $"before the restart: {before}{Environment.NewLine}after: {MixedFleet.Figures(fleet)}");
        Assert.Equal(beforeNodes, await NodeRowsAsync(http));
        Assert.Empty(recorder!.Judged);
    }

    /// <remarks>
    /// The kill breaks the replay's read when the read's consumer lived on that broker, or a pull was under way (its
    /// answer went to the dead broker); otherwise the read goes on through the new connection, uninterrupted. The
    /// consumer's server is chosen by the cluster, so only the first case is asserted; the next test kills the consumer's
    /// server to make the read break every time. <c>Replay:StallTimeout</c> is ten minutes here: a pull whose answer went
    /// to the dead broker must be given up as the connection drops, not after the stall (which took 27–30 s in the
    /// cluster fault run with the default 30 s): the first interruption must name the lost connection. The stall timeout
    /// is 10 s, longer than noticing the drop takes: a read resumed while the cluster elects new leaders may land on a
    /// consumer that never answers (nats-server 2.9), and only the stall ends that one (a run with ten minutes waited
    /// past the test's timeout at 12,288 of 22,000).
    /// </remarks>
    [Fact]
    public async Task Replay_BrokerKilledMidReplay_CompletesFromAnotherBroker()
    {
        var run = await KillMidReplayAsync(r => r.Connected, stallTimeout: TimeSpan.FromSeconds(10));
        if (run.Killed == run.Reading)
        {
            Assert.True(run.Interruptions >= 1, $"the read's consumer died with {run.Killed}, yet the replay counts no interruption");
        }

        if (run.FirstInterruption is { } first)
        {
            Assert.Contains("the connection to the broker was lost", first, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Replay_BrokerHoldingTheReadKilledMidReplay_ResumesFromTheOthers()
    {
        var run = await KillMidReplayAsync(r => r.Reading);
        Assert.True(run.Interruptions >= 1, $"the read's consumer died with {run.Killed}, yet the replay counts no interruption");
    }

    /// <summary>
    /// Replays a history that spans longer than <c>Fleet:StaleAfter</c> (as in <see cref="ReplayResumeTests"/>: every node's
    /// startup and early alives on 1.0.0, then, more than StaleAfter later, its late alive on 2.0.0; judged on the part
    /// replayed before the kill, every node would be stale on 1.0.0), and kills the broker <paramref name="choose"/> picks
    /// (the dashboard's, or the one holding the replay's consumer) a quarter of the way. Asserts what holds either way:
    /// the replay completes from the brokers left, with the whole history, and no node judged stale or dead before its
    /// silence warrants it; and when the dashboard's own broker died, it names the one it connected to instead.
    /// </summary>
    private async Task<ReplayKill> KillMidReplayAsync(Func<(NatsCluster.Node Connected, NatsCluster.Node Reading), NatsCluster.Node> choose, TimeSpan? stallTimeout = null)
    {
        await using var cluster = await NatsCluster.StartAsync();
        await cluster.RecreateChoriaStreamsAsync(3);
        var (stored, lateAt) = await StoreSpanningHistoryAsync(cluster);
        var recorder = default(FleetRecorder);
        var log = default(AppLog);
        var settings = ReplaySettings();
        if (stallTimeout is { } stall)
        {
            settings["Replay:StallTimeout"] = stall.ToString("c", CultureInfo.InvariantCulture);
        }

        var gate = default(Func<ReplayGate>);
        await using var app = new DashboardFactory(cluster.Urls, settings, services: s =>
        {
            recorder = FleetRecorder.AddTo(s);
            log = AppLog.AddTo(s);
            gate = ReplayGate.AddTo(s, stored / 4);
        });
        using var http = app.CreateClient();
        var status = app.Services.GetRequiredService<IFleetStatus>();
        var view = app.Services.GetRequiredService<IFleetView>();
        var started = Stopwatch.StartNew();

        // The gate holds the replay a quarter of the way, its consumer alive and three quarters left to pull, until the
        // broker is killed (a replay left to run read 22,000 events in under a second, and a kill was sometimes seen only
        // once the read had fetched everything).
        await gate!().Holding.WaitAsync(Timeout);
        var at = status.Currency.Replay!;
        var connected = cluster.NodeAt(status.Broker.Server)
            ?? throw new InvalidOperationException($"the dashboard names no broker of the cluster: '{status.Broker.Server}' ({cluster.Urls})");

        // The test makes no consumer: the one that delivered most is the replay's read of the fleet-wide window.
        var reading = (await Eventually.ValueAsync(
            () => cluster.ConsumersAsync(ChoriaStreams.Events),
            c => c.Any(r => r.Host is not null),
            Timeout,
            "the replay's consumer to be listed")).Where(c => c.Host is not null).MaxBy(c => c.Delivered).Host!;
        var killed = choose((connected, reading));
        var killedAt = DateTimeOffset.UtcNow;
        await killed.StopAsync();
        gate!().Release();
        BrokerStatus reconnected;
        JsonElement fleet;
        TimeSpan caughtUp;
        try
        {
            reconnected = killed != connected ? status.Broker : await Eventually.ValueAsync(
                () => Task.FromResult(status.Broker),
                b => b.State == BrokerState.Connected && b.Since > killedAt,
                Timeout,
                $"the dashboard to connect to another broker after {killed} was killed");
            // Longer than the usual wait: a resumed read may wait out one stall (10 s) while the cluster elects.
            await Eventually.TrueAsync(async () => (await http.GetAsync("/readyz")).StatusCode == System.Net.HttpStatusCode.OK, TimeSpan.FromSeconds(60), "/readyz to answer 200");
            caughtUp = DateTimeOffset.UtcNow - killedAt;
            fleet = await WaitFleetAsync(http, f => Accounted(f) >= stored, $"accepted + superseded to reach the {stored} stored messages");
        }
        catch (TimeoutException e)
        {
            // What the replay and the connection did since the kill says why (a slow leader election, a stall not seen).
            throw new TimeoutException(
                $"{e.Message} Killed {killed} (the dashboard's broker {connected.Name}, the read's {reading.Name}) {(DateTimeOffset.UtcNow - killedAt).TotalSeconds:0.0} s ago; " +
                $"replay {status.Currency.Replay?.Replayed} of {status.Currency.Replay?.Total}, broker {status.Broker.State} {status.Broker.Server}. The app's log:\n{log!.Text()}",
                e);
        }

        var currency = fleet.GetProperty("currency");
        var first = log!.Text("was interrupted").Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        var run = new ReplayKill(killed, connected, reading, currency.GetProperty("replayInterruptions").GetInt32(), first);
        output.WriteLine(
            $"killed {killed} at {at.Replayed} of {at.Total} ({started.Elapsed.TotalSeconds:0.0} s after the start); the dashboard was connected to {connected.Name}, " +
            $"the replay read through a consumer on {reading.Name}; " +
            (killed == connected ? $"connected to {cluster.NodeAt(reconnected.Server)} after {(reconnected.Since - killedAt).TotalMilliseconds:0} ms; " : "") +
            $"{run.Interruptions} interruptions; caught up {caughtUp.TotalSeconds:0.0} s after the kill");
        output.WriteLine(log!.Text("Replay"));

        Assert.True(currency.GetProperty("isCurrent").GetBoolean(), currency.ToString());
        Assert.Equal(JsonValueKind.Null, currency.GetProperty("historyIncomplete").ValueKind);
        Assert.NotEqual(killed, cluster.NodeAt(fleet.GetProperty("nats").GetProperty("server").GetString()));

        // The whole history, once: every node on 2.0.0 since its late alive, every stored message accounted for, none
        // rejected.
        Assert.Equal(ReplayNodes, view.Nodes.Count);
        Assert.All(view.Nodes.Values, n => Assert.True(n.Version == "2.0.0" && n.LastSeen >= lateAt.AddSeconds(-0.5), $"{n.Identity} on {n.Version}, last seen {n.LastSeen:O}; the late alives were sent at {lateAt:O}"));
        Assert.Equal(stored, Accounted(fleet));
        Assert.Equal(0, fleet.GetProperty("ingest").GetProperty("rejected").GetInt64());

        // No node judged on a part of the history (its last event then older than its late alive; judged on the part
        // replayed before the kill, every node would have been stale at once), while the replay ran, or before its silence
        // since what the dashboard last heard of it warranted it. Judgements after all that are the history's silence,
        // which outlasts the thresholds by the end of the replay.
        var judged = recorder!.Judged.ToList();
        var slack = TimeSpan.FromSeconds(0.5);
        var wrong = judged.Where(j => j.Replaying
            || j.Node.LastSeen < lateAt - slack
            || j.At - j.Node.LastSeen < (j.Node.State == NodeState.Dead ? ReplayStaleAfter * 2 : ReplayStaleAfter) - slack).ToList();
        output.WriteLine($"judged stale {judged.Count(j => j.Node.State == NodeState.Stale)} times and dead {judged.Count(j => j.Node.State == NodeState.Dead)} times, " +
            $"the first {(judged.Count == 0 ? "never" : $"{(judged.Min(j => j.At) - lateAt).TotalSeconds:0.0} s after the late alives")}");
        Assert.True(wrong.Count == 0, $"{wrong.Count} false judgements, e.g. {string.Join("; ", wrong.Take(5))}; the late alives were sent at {lateAt:HH:mm:ss.fff}");
        return run;
    }

    /// <summary>What a kill during the replay hit: the broker killed, the dashboard's broker and the consumer's, and the interruptions counted.</summary>
    /// <param name="FirstInterruption">The app's log line of the replay's first interruption, if any.</param>
    private sealed record ReplayKill(NatsCluster.Node Killed, NatsCluster.Node Connected, NatsCluster.Node Reading, int Interruptions, string? FirstInterruption);

    /// <summary>Liveness in seconds, for a fleet sending an alive every second.</summary>
    private static Dictionary<string, string?> LoadSettings() => new()
    {
        ["Fleet:StaleAfter"] = StaleAfter.ToString("c", CultureInfo.InvariantCulture),
        ["Fleet:DeadAfter"] = DeadAfter.ToString("c", CultureInfo.InvariantCulture),
        ["Fleet:ForgetAfter"] = "01:00:00",
        ["Fleet:SweepInterval"] = "00:00:00.250",

        // The test polls /api/fleet as fast as it answers.
        ["Security:ApiRequestsPerMinute"] = "100000",
    };

    /// <summary>
    /// For a history that is not refreshed afterwards: thresholds longer than the test, so every node keeps the state the
    /// history left it in (live, stopped) while the test compares two views of it. A read that gets no answer (a consumer
    /// placed on the dead broker) is resumed after 2 s, not after the client's 5 s request timeout and 1, 2, 4 s waits.
    /// </summary>
    private static Dictionary<string, string?> HistorySettings() => new()
    {
        ["Fleet:StaleAfter"] = "00:01:00",
        ["Fleet:DeadAfter"] = "00:02:00",
        ["Fleet:ForgetAfter"] = "01:00:00",
        ["Replay:RetryDelay"] = "00:00:00.200",
        ["Replay:MaxRetryDelay"] = "00:00:02",
        ["Replay:StallTimeout"] = "00:00:02",
        ["Security:ApiRequestsPerMinute"] = "100000",
        ["Logging:LogLevel:ChoriaDashboard.Ingest"] = "Information",
    };

    /// <summary>
    /// A history of <see cref="HistoryNodes"/> servers through all three brokers: each one's startup and three rounds of
    /// alives (every fourth upgraded to 0.30.0 in the last), every tenth shut down, every eighth also running a service
    /// host, every twentieth running one an autonomous agent with a nagios check (every other one critical). Returns the messages
    /// stored in each stream once all are in.
    /// </summary>
    private static async Task<(long Events, long Machine)> PublishHistoryAsync(NatsCluster cluster)
    {
        var shapes = new[] { WireFormat.Legacy, WireFormat.CloudEventStructured, WireFormat.CloudEventBinary };
        var publishers = cluster.Nodes.Select(n => new TestPublisher(n.Url)).ToList();
        long events = 0, machine = 0;
        try
        {
            async Task Send(int i, ChoriaEvent evt)
            {
                await publishers[i % publishers.Count].PublishAsync(evt, shapes[i % shapes.Length]);
                _ = evt is MachineEvent ? machine++ : events++;
            }

            for (var i = 0; i < HistoryNodes; i++)
            {
                await Send(i, Startup(Identity(i, "history"), "0.29.4"));
                if (i % 8 == 0)
                {
                    await Send(i, Startup(Identity(i, "history"), "0.29.4", ChoriaComponents.ServiceHost));
                }
            }

            for (var round = 0; round < 3; round++)
            {
                for (var i = 0; i < HistoryNodes; i++)
                {
                    await Send(i, Alive(Identity(i, "history"), round == 2 && i % 4 == 0 ? "0.30.0" : "0.29.4"));
                }
            }

            // On running nodes (a stopped node's checks are stale, and the sweep that says so may come after a look).
            for (var i = 5; i < HistoryNodes; i += 20)
            {
                await Send(i, Transition(Identity(i, "history"), "app", "unknown", "running", "start"));
                await Send(i, Nagios(Identity(i, "history"), "check_load", i % 40 == 5 ? 2 : 0));
            }

            for (var i = 0; i < HistoryNodes; i += 10)
            {
                await Send(i, Shutdown(Identity(i, "history")));
            }

            await Task.WhenAll(publishers.Select(p => p.FlushAsync()));
        }
        finally
        {
            foreach (var publisher in publishers)
            {
                await publisher.DisposeAsync();
            }
        }

        await Eventually.TrueAsync(
            async () => await TestStreams.MessagesAsync(cluster.Urls, ChoriaStreams.Events) == events && await TestStreams.MessagesAsync(cluster.Urls, ChoriaStreams.Machine) == machine,
            Timeout,
            $"the {events} lifecycle and {machine} machine events to be stored");
        return (events, machine);
    }

    /// <summary>
    /// As <see cref="ReplayResumeTests"/>: a writer slowed down (a small queue, a pause between batches), so the replay
    /// takes a few seconds and a test can break it off; liveness in seconds.
    /// </summary>
    private static Dictionary<string, string?> ReplaySettings() => new()
    {
        ["Fleet:StaleAfter"] = ReplayStaleAfter.ToString("c", CultureInfo.InvariantCulture),
        ["Fleet:DeadAfter"] = (ReplayStaleAfter * 2).ToString("c", CultureInfo.InvariantCulture),
        ["Fleet:ForgetAfter"] = "01:00:00",
        ["Replay:Margin"] = "01:00:00",
        ["Replay:RetryDelay"] = "00:00:00.200",
        ["Replay:MaxRetryDelay"] = "00:00:02",
        ["Replay:StallTimeout"] = "00:00:02",
        ["Ingest:QueueCapacity"] = "1024",
        ["Security:ApiRequestsPerMinute"] = "100000",
        ["Logging:LogLevel:ChoriaDashboard.Ingest"] = "Information",
    };

    /// <summary>
    /// Through all three brokers: every node's startup and <see cref="EarlyRounds"/> alives on 1.0.0, then, more than
    /// <see cref="ReplayStaleAfter"/> later, its late alive on 2.0.0. Returns the messages stored (all in CHORIA_EVENTS)
    /// and when the late alives were sent (the stream stored them at that time or just after).
    /// </summary>
    private static async Task<(long Stored, DateTimeOffset LateAt)> StoreSpanningHistoryAsync(NatsCluster cluster)
    {
        var shapes = new[] { WireFormat.Legacy, WireFormat.CloudEventStructured, WireFormat.CloudEventBinary };
        var publishers = cluster.Nodes.Select(n => new TestPublisher(n.Url)).ToList();
        DateTimeOffset lateAt;
        try
        {
            for (var i = 0; i < ReplayNodes; i++)
            {
                await publishers[i % publishers.Count].PublishAsync(Startup(Identity(i, "resume"), "1.0.0"), shapes[i % shapes.Length]);
            }

            for (var round = 0; round < EarlyRounds; round++)
            {
                for (var i = 0; i < ReplayNodes; i++)
                {
                    await publishers[i % publishers.Count].PublishAsync(Alive(Identity(i, "resume"), "1.0.0"), shapes[(i + round) % shapes.Length]);
                }

                await Task.WhenAll(publishers.Select(p => p.FlushAsync()));
            }

            var early = DateTimeOffset.UtcNow;
            await Eventually.TrueAsync(() => DateTimeOffset.UtcNow - early > ReplayStaleAfter + TimeSpan.FromSeconds(1), Timeout, "the history to span more than StaleAfter");
            lateAt = DateTimeOffset.UtcNow;
            for (var i = 0; i < ReplayNodes; i++)
            {
                await publishers[i % publishers.Count].PublishAsync(Alive(Identity(i, "resume"), "2.0.0"), WireFormat.CloudEventBinary);
            }

            await Task.WhenAll(publishers.Select(p => p.FlushAsync()));
        }
        finally
        {
            foreach (var publisher in publishers)
            {
                await publisher.DisposeAsync();
            }
        }

        var stored = (long)ReplayNodes * (EarlyRounds + 2);
        await Eventually.TrueAsync(async () => await TestStreams.MessagesAsync(cluster.Urls, ChoriaStreams.Events) == stored, Timeout, $"the {stored} events to be stored");
        return (stored, lateAt);
    }

    /// <summary><c>/api/fleet</c> once <paramref name="accept"/> holds; on a timeout, the last answer is in the message.</summary>
    private static async Task<JsonElement> WaitFleetAsync(HttpClient http, Func<JsonElement, bool> accept, string what)
    {
        var last = default(JsonElement);
        try
        {
            return await Eventually.ValueAsync(
                async () => last = await FleetApiIntegrationTests.GetFleetAsync(http),
                accept,
                Timeout,
                what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Last /api/fleet: {last}", e);
        }
    }

    /// <summary>Stored messages the fleet took account of: accepted, or superseded by what it already knew.</summary>
    private static long Accounted(JsonElement fleet) =>
        fleet.GetProperty("ingest").GetProperty("accepted").GetInt64() + fleet.GetProperty("ingest").GetProperty("superseded").GetInt64();

    /// <summary>Every node as the JSON export lists it, without times: identity, component, version, state.</summary>
    private static async Task<List<string>> NodeRowsAsync(HttpClient http)
    {
        var rows = await http.GetFromJsonAsync<JsonElement>("/export/nodes.json");
        return [.. rows.EnumerateArray()
            .Select(r => $"{r.GetProperty("identity").GetString()} {r.GetProperty("component").GetString()} {r.GetProperty("version").GetString()} {r.GetProperty("state").GetString()}")
            .Order(StringComparer.Ordinal)];
    }
}
