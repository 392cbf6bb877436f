using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Ingest;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;
using Xunit;
using Xunit.Abstractions;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>The broker goes away and comes back: the dashboard says so, and carries on without a restart of its own.</summary>
public sealed class BrokerRestartTests : IClassFixture<NatsServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly NatsServerFixture _nats;
    private readonly ITestOutputHelper _output;

    public BrokerRestartTests(NatsServerFixture nats, ITestOutputHelper output)
    {
        _nats = nats;
        _output = output;
    }

    [Fact]
    public async Task BrokerRestart_WhileRunning_ShowsReconnectingThenResumesIngest()
    {
        await using var app = new DashboardFactory(_nats.Url);
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);

        await _nats.StopAsync();
        await Eventually.TrueAsync(async () => (await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.ServiceUnavailable, Timeout, "/readyz to fail while the broker is down");
        var down = await FleetApiIntegrationTests.GetFleetAsync(http);
        Assert.NotEqual("connected", down.GetProperty("nats").GetProperty("state").GetString());

        await _nats.StartAsync();
        await FleetApiIntegrationTests.WaitReadyAsync(http);

        await using var publisher = new TestPublisher(_nats.Url);
        await publisher.PublishAsync(Startup("after-restart.example.net"), Events.WireFormat.CloudEventStructured);
        await publisher.FlushAsync();
        await Eventually.TrueAsync(
            async () => (await FleetApiIntegrationTests.GetFleetAsync(http)).GetProperty("totals").GetProperty("live").GetInt32() == 1,
            Timeout,
            "the event published after the restart to be applied");
    }

    /// <summary>
    /// Three restarts (a kill, a second down, a start) while a fleet sends alives twice a second: after each the ingest
    /// resumes by itself; no message is counted twice; none is missing but those published while the dashboard could not
    /// hear (cut off, until it was subscribed again); and no node is ever judged stale or dead for the outages.
    /// </summary>
    [Fact]
    public async Task BrokerRestart_ThreeTimesUnderSteadyLoad_NothingLostWhileSubscribedNothingTwiceNoFalseStaleOrDead()
    {
        const int nodes = 50;
        const int restarts = 3;
        var fleetRecorder = default(FleetRecorder)!;
        await using var app = new DashboardFactory(
            _nats.Url,
            new Dictionary<string, string?>
            {
                ["Fleet:StaleAfter"] = "00:00:05",
                ["Fleet:DeadAfter"] = "00:00:10",
                ["Replay:Enabled"] = "false",
            },
            services: s => fleetRecorder = FleetRecorder.AddTo(s));
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        var status = app.Services.GetRequiredService<IFleetStatus>();

        // When the dashboard could hear (connected, every subscription in place), from the monitor's own events.
        var clock = Stopwatch.StartNew();
        var hearing = new ConcurrentQueue<(TimeSpan At, bool Ready)>();
        var monitor = app.Services.GetRequiredService<BrokerConnectionMonitor>();
        monitor.Changed += s => hearing.Enqueue((clock.Elapsed, s.Ready));

        // The fleet: each node's startup, then an alive per node every 500 ms, round the fleet; each publish timed.
        await using var publisher = new TestPublisher(NatsOpts.Default with { Url = _nats.Url, ReconnectWaitMin = TimeSpan.FromMilliseconds(100), ReconnectWaitMax = TimeSpan.FromMilliseconds(200) });
        for (var i = 0; i < nodes; i++)
        {
            await publisher.PublishAsync(Startup(Identity(i)), (WireFormat)(i % 3));
        }

        await publisher.FlushAsync();
        await Eventually.TrueAsync(() => status.Ingest.Accepted == nodes, Timeout, $"{nodes} startups applied");
        var sent = new ConcurrentQueue<TimeSpan>();
        using var stopLoad = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1000.0 / (nodes * 2)));
            var i = 0;
            try
            {
                while (await timer.WaitForNextTickAsync(stopLoad.Token))
                {
                    var at = clock.Elapsed;
                    await publisher.PublishAsync(Alive(Identity(i % nodes)), (WireFormat)(i % 3));
                    sent.Enqueue(at);
                    i++;
                }
            }
            catch (OperationCanceledException) when (stopLoad.IsCancellationRequested)
            {
            }
        });

        var kills = new List<(TimeSpan Killed, TimeSpan Started, TimeSpan HeardAgain)>();
        for (var r = 0; r < restarts; r++)
        {
            var steady = status.Ingest.Accepted;
            await Eventually.TrueAsync(() => status.Ingest.Accepted >= steady + nodes, Timeout, "a round of alives applied before the kill");
            var killed = clock.Elapsed;
            await _nats.StopAsync();
            await Eventually.TrueAsync(() => !status.Broker.Ready, Timeout, "the dashboard to see the broker gone");
            await Task.Delay(TimeSpan.FromSeconds(1));
            await _nats.StartAsync();
            var started = clock.Elapsed;
            await Eventually.TrueAsync(() => status.Broker.Ready, Timeout, $"the dashboard to reconnect after restart {r + 1}");
            var heardAgain = hearing.Where(h => h.Ready && h.At >= started).Select(h => h.At).DefaultIfEmpty(clock.Elapsed).Min();
            kills.Add((killed, started, heardAgain));
            _output.WriteLine($"restart {r + 1}: broker down {(started - killed).TotalMilliseconds:0} ms; dashboard subscribed again {(heardAgain - started).TotalMilliseconds:0} ms after the broker started");
        }

        // A last round after the last restart, then the load stops and everything published is in.
        var last = status.Ingest.Accepted;
        await Eventually.TrueAsync(() => status.Ingest.Accepted >= last + nodes, Timeout, "a round of alives applied after the last restart");
        await stopLoad.CancelAsync();
        await load;

        // A marker behind the last alive, on the same subscription: once it is in the view, everything before it is in.
        await publisher.PublishAsync(Alive("marker.example.net"), WireFormat.Legacy);
        await publisher.FlushAsync();
        var view = app.Services.GetRequiredService<IFleetView>();
        await Eventually.TrueAsync(() => view.Nodes.Keys.Any(k => k.Identity == "marker.example.net"), Timeout, "the marker published after the load to be applied");
        await Eventually.TrueAsync(() => status.Ingest.Accepted + status.Ingest.TotalRejected >= Received(status), Timeout, "the writer to have applied everything received");
        var published = sent.Count;
        var received = Received(status) - nodes - 1;
        var accepted = status.Ingest.Accepted - nodes - 1;

        // Lost may only be what was published from shortly before a kill until the dashboard was subscribed again.
        var slack = TimeSpan.FromMilliseconds(250);
        var deaf = sent.Count(at => kills.Any(k => at >= k.Killed - slack && at <= k.HeardAgain + slack));
        var lost = published - received;
        _output.WriteLine($"published {published:N0} alives; received {received:N0}, accepted {accepted:N0}; lost {lost:N0}, of which at most {deaf:N0} could be (published around a kill until the dashboard heard again)");
        Assert.True(received == accepted, $"expected every message received to be accepted once: received {received}, accepted {accepted}; ingest {Describe(status)}");
        Assert.True(lost >= 0 && lost <= deaf, $"expected no more lost than published while the dashboard could not hear ({deaf}); published {published}, received {received}; {Describe(status)}");
        Assert.Equal(0, status.Ingest.TotalRejected);

        // No false stale or dead, ever: every judgement the stream told, and the totals now.
        Assert.True(fleetRecorder.Judged.IsEmpty, $"expected no node judged stale or dead for the outages; judged: {string.Join(", ", fleetRecorder.Judged)}");
        Assert.True(fleetRecorder.Deaths.IsEmpty, $"expected no death told as news; told: {fleetRecorder.Deaths.Count}");
        var fleet = await FleetApiIntegrationTests.GetFleetAsync(http);
        Assert.Equal(nodes + 1, fleet.GetProperty("totals").GetProperty("live").GetInt32());
        Assert.True(fleet.GetProperty("currency").GetProperty("isCurrent").GetBoolean(), $"expected the view current again: {fleet.GetProperty("currency")}");
    }

    private static long Received(IFleetStatus status) => status.Ingest.ReceivedBySubscription.Values.Sum();

    private static string Describe(IFleetStatus status) =>
        $"accepted {status.Ingest.Accepted}, rejected {string.Join(", ", status.Ingest.RejectedByReason.Where(r => r.Value > 0).Select(r => $"{r.Key} {r.Value}"))}, received {string.Join(", ", status.Ingest.ReceivedBySubscription.Select(r => $"{r.Key} {r.Value}"))}, broker {status.Broker.State}";
}
