using System.Net.Http.Json;
using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>
/// Liveness from each node's own cadence and stale checks, through a real nats-server and the real app, with the
/// thresholds in seconds: nodes send an alive every 3 s while <c>Fleet:StaleAfter</c> is 2 s.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class CadenceIntegrationTests(NatsServerFixture nats)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AliveEvery = TimeSpan.FromSeconds(3);

    private static DashboardFactory App(string natsUrl) => new(natsUrl, new Dictionary<string, string?>
    {
        ["Fleet:StaleAfter"] = "00:00:02",
        ["Fleet:DeadAfter"] = "00:00:04",
        ["Fleet:ForgetAfter"] = "01:00:00",
        ["Fleet:MaxAliveInterval"] = "00:00:10",
        ["Fleet:CheckStaleAfter"] = "00:00:03",
        ["Fleet:SweepInterval"] = "00:00:00.250",
    });

    [Fact]
    public async Task Cadence_AliveIntervalLongerThanStaleAfter_SteadyNodeNeverFlapsAndTheSilentOneDiesOnItsOwnCadence()
    {
        await using var app = App(nats.Url);
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        await using var publisher = new TestPublisher(nats.Url);
        await publisher.PublishAsync(Startup("steady.example.net"), WireFormat.Legacy);
        await publisher.PublishAsync(Startup("quiet.example.net"), WireFormat.CloudEventStructured);
        await publisher.FlushAsync();

        using var stopQuiet = new CancellationTokenSource();
        using var stopAll = new CancellationTokenSource();
        var quietLastAlive = Environment.TickCount64;
        TimeSpan QuietSilence() => TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref quietLastAlive));
        var steadySent = new System.Collections.Concurrent.ConcurrentQueue<long>();
        var sending = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(AliveEvery);
            try
            {
                while (await timer.WaitForNextTickAsync(stopAll.Token))
                {
                    await publisher.PublishAsync(Alive("steady.example.net"), WireFormat.Legacy);
                    if (!stopQuiet.IsCancellationRequested)
                    {
                        await publisher.PublishAsync(Alive("quiet.example.net"), WireFormat.CloudEventStructured);
                        Volatile.Write(ref quietLastAlive, Environment.TickCount64);
                    }

                    await publisher.FlushAsync();
                    steadySent.Enqueue(Environment.TickCount64);
                }
            }
            catch (OperationCanceledException) when (stopAll.IsCancellationRequested)
            {
                // The test has seen what it waited for.
            }
        });

        try
        {
            // Three alives make a cadence steady: before that the configured 2 s apply, and both flap.
            // Read from the one snapshot that showed it: an interval off by more than a fifth halves the count, so a second
            // read may already find the cadence unsteady again.
            var nodes = await Eventually.ValueAsync(
                () => NodesAsync(http),
                ns => ns.Count == 2 && ns.All(n => n.AliveIntervals >= 2) && ns.Any(n => n.Identity == "steady.example.net" && n.AliveEvery is not null),
                Timeout,
                "both nodes' cadence to be steady");
            var learned = nodes.Single(n => n.Identity == "steady.example.net");
            Assert.InRange(TimeSpan.Parse(learned.AliveEvery!, System.Globalization.CultureInfo.InvariantCulture).TotalSeconds, 2, 4);

            await stopQuiet.CancelAsync();
            var seen = new List<(TimeSpan Since, string Steady, string Quiet)>();
            var steadySamples = new List<(long At, string State)>();
            await Eventually.TrueAsync(
                async () =>
                {
                    var at = Environment.TickCount64;
                    var nodes = await NodesAsync(http);
                    seen.Add((QuietSilence(), State(nodes, "steady.example.net"), State(nodes, "quiet.example.net")));
                    steadySamples.Add((at, seen[^1].Steady));
                    return seen[^1].Quiet == "dead" && QuietSilence() > TimeSpan.FromSeconds(12);
                },
                Timeout,
                "the quiet node to be dead, and a few more alives of the steady one");

            // The steady node is live whenever it kept its cadence. This test's own sender shares a loaded machine
            // with other tests, so a sample counts only where the sender really was on time: its last three alives
            // 3 s apart within a fifth, the last at most 3.6 s before the sample (stale comes at 4.5 s).
            var sent = steadySent.ToArray();
            var onTime = steadySamples.Where(s => SenderOnTime(sent, s.At)).ToList();
            var timeline = $"alives sent at {string.Join(" ", sent.Select(t => $"{(t - sent[0]) / 1000.0:0.00}"))} s; " +
                $"stale at {string.Join(" ", steadySamples.Where(s => s.State != "live").Select(s => $"{(s.At - sent[0]) / 1000.0:0.00}{(SenderOnTime(sent, s.At) ? "" : "(late sender)")}"))} s";
            Assert.True(onTime.Count >= 10, $"only {onTime.Count} of {steadySamples.Count} samples had a sender on time: {timeline}");
            Assert.True(onTime.All(s => s.State == "live"), $"the steady node was not live while its alives came on time: {timeline}");
            var firstStale = seen.First(s => s.Quiet == "stale").Since;
            var firstDead = seen.First(s => s.Quiet == "dead").Since;

            // Stale at 1.5 intervals (4.5 s) and dead at 2.5 (7.5 s) after its last alive, not at 2 s and 4 s.
            Assert.True(firstStale >= TimeSpan.FromSeconds(3.5), $"stale after {firstStale.TotalSeconds:0.0} s of silence: {Describe(seen)}");
            Assert.True(firstDead >= TimeSpan.FromSeconds(6.5), $"dead after {firstDead.TotalSeconds:0.0} s of silence: {Describe(seen)}");
            Assert.True(firstDead <= TimeSpan.FromSeconds(10), $"dead only after {firstDead.TotalSeconds:0.0} s of silence: {Describe(seen)}");
        }
        finally
        {
            await stopAll.CancelAsync();
            await sending;
        }
    }

    [Fact]
    public async Task StaleChecks_NodeStoppedAndCheckSilent_CountedStaleNotCritical()
    {
        await using var app = App(nats.Url);
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        await using var publisher = new TestPublisher(nats.Url);
        var start = DateTimeOffset.UtcNow;

        // stopped: its node shuts down. silent: runs every second (its history says so), then stops reporting while
        // its node stays live. current: keeps reporting.
        foreach (var identity in new[] { "stopped.example.net", "silent.example.net", "current.example.net" })
        {
            await publisher.PublishAsync(Startup(identity), WireFormat.Legacy);
            await publisher.PublishAsync(EverySecond(Nagios(identity, "check_httpd", 2, "PROCS CRITICAL: 0 processes"), start), WireFormat.CloudEventStructured);
        }

        await publisher.PublishAsync(Shutdown("stopped.example.net"), WireFormat.Legacy);
        await publisher.FlushAsync();

        using var stop = new CancellationTokenSource();
        var sending = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                {
                    await publisher.PublishAsync(Alive("silent.example.net"), WireFormat.Legacy);
                    await publisher.PublishAsync(Alive("current.example.net"), WireFormat.Legacy);
                    await publisher.PublishAsync(EverySecond(Nagios("current.example.net", "check_httpd", 2, "PROCS CRITICAL: 0 processes"), DateTimeOffset.UtcNow), WireFormat.CloudEventBinary);
                    await publisher.FlushAsync();
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The test has seen what it waited for.
            }
        });

        try
        {
            var health = await Eventually.ValueAsync(
                async () => (await FleetApiIntegrationTests.GetFleetAsync(http)).GetProperty("health"),
                h => h.GetProperty("stale").GetInt32() == 2,
                Timeout,
                "two checks to be stale");

            Assert.Equal((1, 2, 3), (health.GetProperty("critical").GetInt32(), health.GetProperty("stale").GetInt32(), Total(health)));
            var totals = (await FleetApiIntegrationTests.GetFleetAsync(http)).GetProperty("totals");
            Assert.Equal((2, 1), (totals.GetProperty("live").GetInt32(), totals.GetProperty("stopped").GetInt32()));
        }
        finally
        {
            await stop.CancelAsync();
            await sending;
        }
    }

    /// <summary>A nagios state whose history shows it ran every second, the last run at <paramref name="last"/>.</summary>
    private static NagiosWatcherState EverySecond(NagiosWatcherState state, DateTimeOffset last) => state with
    {
        History = [.. Enumerable.Range(0, 4).Select(i => new NagiosHistoryItem(last.AddSeconds(i - 3), state.StatusCode))],
    };

    private static int Total(JsonElement health) =>
        new[] { "ok", "warning", "critical", "unknown", "notChecked", "stale" }.Sum(k => health.GetProperty(k).GetInt32());

    private sealed record NodeRow(string Identity, string State, string? AliveEvery, int AliveIntervals);

    private static async Task<List<NodeRow>> NodesAsync(HttpClient http)
    {
        var rows = await http.GetFromJsonAsync<JsonElement>("/export/nodes.json");
        return [.. rows.EnumerateArray().Select(r => new NodeRow(
            r.GetProperty("identity").GetString()!,
            r.GetProperty("state").GetString()!,
            r.GetProperty("aliveEvery").GetString(),
            r.GetProperty("aliveIntervals").GetInt32()))];
    }

    private static string State(List<NodeRow> nodes, string identity) => nodes.Single(n => n.Identity == identity).State;

    /// <summary>Whether the last three alives sent before <paramref name="at"/> (ms ticks) kept a 3 s cadence and the next is not overdue.</summary>
    private static bool SenderOnTime(long[] sent, long at)
    {
        var before = sent.Where(t => t <= at).TakeLast(4).ToArray();
        if (before.Length < 4 || at - before[^1] > 3_600)
        {
            return false;
        }

        return before.Zip(before.Skip(1), (a, b) => b - a).All(gap => gap is >= 2_400 and <= 3_600);
    }

    private static string Describe(List<(TimeSpan Since, string Steady, string Quiet)> seen) =>
        string.Join(" ", seen.Select(s => $"{s.Since.TotalSeconds:0.0}:{s.Quiet}"));
}
