using System.Diagnostics;
using ChoriaDashboard.Api.Metrics;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;
using static ChoriaDashboard.TestKit.TestSnapshots;
using static ChoriaDashboard.Tests.Api.Metrics.ScrapeText;

namespace ChoriaDashboard.Tests.Api.Metrics;

/// <summary>
/// What a Prometheus scrape says after the fleet writer told the recorder of events: tally's names, labels (active
/// last) and counts, versions from the fleet's summary, and the bounds on untrusted label values.
/// </summary>
public sealed class TallyMetricsTests
{
    private static readonly long OneMillisecond = Stopwatch.Frequency / 1000;

    private readonly FakeFleetStore _fleet = new();

    private (TallyRecorder Recorder, MetricsScrape Scrape) Metrics(MetricsOptions? options = null)
    {
        var opts = Options.Create(options ?? new MetricsOptions());
        var recorder = new TallyRecorder(opts, NullLogger<TallyRecorder>.Instance, TimeProvider.System);
        // No election configured: always active; the connection is never used.
        var election = new LeaderElection(opts, new NatsConnection(), TimeProvider.System, NullLogger<LeaderElection>.Instance);
        return (recorder, new MetricsScrape(opts, recorder, election, _fleet, _fleet, []));
    }

    [Fact]
    public void Scrape_LifecycleEvents_CountedByComponentAndTypeWithActiveLast()
    {
        var (recorder, scrape) = Metrics();

        recorder.Applied(Startup("a", "0.29.3"), OneMillisecond);
        recorder.Applied(Alive("a", "0.29.3"), OneMillisecond);
        recorder.Applied(Alive("a", "0.29.3"), OneMillisecond);
        recorder.Applied(Provisioned("p"), OneMillisecond);
        recorder.Applied(Upgraded("p", "0.29.3", "0.29.4"), OneMillisecond);
        var body = scrape.Write();

        Assert.Equal(2, Value(body, "choria_tally_event_types{component=\"server\",type=\"alive\",active=\"1\"}"));
        Assert.Equal(1, Value(body, "choria_tally_event_types{component=\"server\",type=\"startup\",active=\"1\"}"));
        Assert.Equal(3, Value(body, "choria_tally_good_events{component=\"server\",active=\"1\"}"));
        // Provisioned and upgraded count as good events, as in tally, whose process() counts every event without error.
        Assert.Equal(2, Value(body, "choria_tally_good_events{component=\"provision_mode_server\",active=\"1\"}"));
        Assert.Equal(3, Value(body, "choria_tally_processing_time_count{component=\"server\",active=\"1\"}"));
        Assert.Equal(0.003, Value(body, "choria_tally_processing_time_sum{component=\"server\",active=\"1\"}")!.Value, 6);
        Assert.Contains("# TYPE choria_tally_processing_time summary\n", body, StringComparison.Ordinal);
        Assert.Contains("# HELP choria_tally_good_events The number of successfully parsed events received\n# TYPE choria_tally_good_events counter\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Applied_AlivesOfAKnownComponent_CountedWithoutAllocating()
    {
        // The writer tells the recorder of every live event it applies; at a fleet restart that is 100,000 events in
        // seconds, so counting an alive must not leave garbage per event (issue 23: it was about 150 B each).
        var (recorder, scrape) = Metrics();
        var alive = Alive("a", "0.29.3");
        recorder.Applied(alive, OneMillisecond);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            recorder.Applied(alive, OneMillisecond);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var body = scrape.Write();

        Assert.True(allocated < 1_000, $"expected under 1 B per applied alive, measured {allocated:N0} B for 1,000 alives");
        Assert.Equal(1_001, Value(body, "choria_tally_event_types{component=\"server\",type=\"alive\",active=\"1\"}"));
        Assert.Equal(1_001, Value(body, "choria_tally_good_events{component=\"server\",active=\"1\"}"));
        Assert.Equal(1_001, Value(body, "choria_tally_processing_time_count{component=\"server\",active=\"1\"}"));
        Assert.Equal(1.001, Value(body, "choria_tally_processing_time_sum{component=\"server\",active=\"1\"}")!.Value, 6);
    }

    [Fact]
    public void Scrape_GovernorTransitionAndExecStates_CountedWithTallysLabels()
    {
        var (recorder, scrape) = Metrics();

        recorder.Applied(Governor("a", "PUPPET", "enter"), 0);
        recorder.Applied(Governor("a", "PUPPET", "timeouts"), 0);
        recorder.Applied(Transition("a", "app", "unknown", "running", "start"), 0);
        recorder.Applied(Exec("a", "success", 2_500_000_000), 0);
        recorder.Applied(Exec("a", "error", 500_000_000), 0);
        recorder.Applied(Exec("a", "skipped", 1), 0);
        var body = scrape.Write();

        Assert.Equal(1, Value(body, "choria_tally_governor{component=\"CLI\",governor=\"PUPPET\",event=\"enter\",active=\"1\"}"));
        Assert.Equal(1, Value(body, "choria_tally_governor{component=\"CLI\",governor=\"PUPPET\",event=\"timeouts\",active=\"1\"}"));
        Assert.Equal(1, Value(body, "choria_tally_machine_transition{machine=\"app\",version=\"1.0.0\",transition=\"start\",from=\"unknown\",to=\"running\",active=\"1\"}"));
        Assert.Equal(1, Value(body, "choria_tally_exec_watcher_success{machine=\"runner\",version=\"1.0.0\",watcher=\"run\",active=\"1\"}"));
        Assert.Equal(1, Value(body, "choria_tally_exec_watcher_failures{machine=\"runner\",version=\"1.0.0\",watcher=\"run\",active=\"1\"}"));
        // Skipped runs are not counted, as in tally: two runtimes, 2.5 s and 0.5 s.
        Assert.Equal(2, Value(body, "choria_tally_exec_watcher_runtime_count{machine=\"runner\",version=\"1.0.0\",watcher=\"run\",active=\"1\"}"));
        Assert.Equal(3, Value(body, "choria_tally_exec_watcher_runtime_sum{machine=\"runner\",version=\"1.0.0\",watcher=\"run\",active=\"1\"}"));
    }

    [Fact]
    public void Scrape_NodesInTheSummary_VersionsCountLiveAndStaleAndAVersionLeftStaysAtZero()
    {
        var (_, scrape) = Metrics();
        _fleet.Publish(Node("a", NodeState.Live, "0.29.3"), Node("b", NodeState.Stale, "0.29.3"), Node("c", NodeState.Dead, "0.29.3"), Node("d", NodeState.Stopped, "0.29.4"));

        var before = scrape.Write();
        _fleet.Publish(Node("a", NodeState.Live, "0.29.5"), Node("b", NodeState.Live, "0.29.5"), Node("c", NodeState.Live, "0.29.5"), Node("d", NodeState.Live, "0.29.5"));
        var after = scrape.Write();

        Assert.Equal(2, Value(before, "choria_tally_versions{component=\"server\",version=\"0.29.3\",active=\"1\"}"));
        Assert.Equal(0, Value(before, "choria_tally_versions{component=\"server\",version=\"0.29.4\",active=\"1\"}"));
        Assert.Equal(4, Value(after, "choria_tally_versions{component=\"server\",version=\"0.29.5\",active=\"1\"}"));
        Assert.Equal(0, Value(after, "choria_tally_versions{component=\"server\",version=\"0.29.3\",active=\"1\"}"));
        Assert.Equal(1, Value(before, "choria_dashboard_nodes{component=\"server\",state=\"dead\"}"));
        Assert.Equal(4, Value(after, "choria_dashboard_nodes{component=\"server\",state=\"live\"}"));
    }

    [Fact]
    public void Scrape_ComponentKnownBeforeItsFirstEvents_CountersStartAtZero()
    {
        var (recorder, scrape) = Metrics();
        _fleet.Publish(Node("a", NodeState.Live, "0.29.3"));

        var body = scrape.Write();
        recorder.NodeDied(ChoriaComponents.Server);
        var later = scrape.Write();

        Assert.Equal(0, Value(body, "choria_tally_event_types{component=\"server\",type=\"alive\",active=\"1\"}"));
        Assert.Equal(0, Value(body, "choria_tally_nodes_expired{component=\"server\",active=\"1\"}"));
        Assert.Equal(0, Value(body, "choria_tally_processing_time_count{component=\"server\",active=\"1\"}"));
        Assert.Equal(1, Value(later, "choria_tally_nodes_expired{component=\"server\",active=\"1\"}"));
    }

    [Fact]
    public void Scrape_ComponentsRestricted_OnlyThoseLifecycleFamiliesButEveryMachine()
    {
        var (recorder, scrape) = Metrics(new MetricsOptions { Components = [ChoriaComponents.Server] });
        _fleet.Publish(Node("a", NodeState.Live, "0.29.3"), Node("b", NodeState.Live, "1.0", component: "service_host"));

        recorder.Applied(Alive("a", "0.29.3"), 0);
        recorder.Applied(Alive("b", "1.0", "service_host"), 0);
        recorder.Applied(Transition("b", "app", "unknown", "running", "start"), 0);
        recorder.NodeDied("service_host");
        var body = scrape.Write();

        Assert.Equal(1, Value(body, "choria_tally_good_events{component=\"server\",active=\"1\"}"));
        Assert.DoesNotContain(Lines(body, "choria_tally_"), l => l.Contains("service_host", StringComparison.Ordinal));
        Assert.Equal(1, Value(body, "choria_tally_machine_transition{machine=\"app\",version=\"1.0.0\",transition=\"start\",from=\"unknown\",to=\"running\",active=\"1\"}"));
        // The dashboard's own families show every component.
        Assert.Equal(1, Value(body, "choria_dashboard_nodes{component=\"service_host\",state=\"live\"}"));
    }

    [Fact]
    public void Scrape_RejectedMessages_ProcessErrorsLabelledAsTallyLabelsThem()
    {
        var (recorder, scrape) = Metrics();

        recorder.Rejected(RejectionReason.NotJson, "choria.lifecycle.event.alive.server");
        recorder.Rejected(RejectionReason.MissingField, "choria.machine.transition");
        recorder.Rejected(RejectionReason.WrongType, "choria.machine.watcher.exec.state");
        recorder.Rejected(RejectionReason.NotJson, "choria.machine.watcher.nagios.state");
        recorder.Rejected(RejectionReason.FleetFull, "choria.lifecycle.event.alive.server");
        var body = scrape.Write();

        Assert.Equal(1, Value(body, "choria_tally_process_errors{component=\"server\",active=\"1\"}"));
        Assert.Equal(1, Value(body, "choria_tally_process_errors{component=\"transition\",active=\"1\"}"));
        Assert.Equal(1, Value(body, "choria_tally_process_errors{component=\"exec_watcher\",active=\"1\"}"));
        Assert.Equal(3, Lines(body, "choria_tally_process_errors{").Count);
    }

    [Fact]
    public void Scrape_HostileLabelValues_EscapedAndBoundedByMaxSeries()
    {
        var (recorder, scrape) = Metrics(new MetricsOptions { MaxSeries = 100 });

        recorder.Applied(Transition("a", "quote\"back\\slash\nnewline", "x", "y", "t"), 0);
        for (var i = 0; i < 500; i++)
        {
            recorder.Applied(Transition("a", $"machine-{i}", "x", "y", "t"), 0);
        }

        var body = scrape.Write();

        Assert.Contains("machine=\"quote\\\"back\\\\slash\\nnewline\"", body, StringComparison.Ordinal);
        Assert.Equal(100, Lines(body, "choria_tally_machine_transition{").Count);
        Assert.Equal(401, Value(body, "choria_dashboard_metrics_series_dropped_total"));
    }

    [Fact]
    public void Scrape_CustomPrefix_NamesEveryTallyFamily()
    {
        var (recorder, scrape) = Metrics(new MetricsOptions { Prefix = "fleet" });

        recorder.Applied(Alive("a", "0.29.3"), 0);
        var body = scrape.Write();

        Assert.Equal(1, Value(body, "fleet_good_events{component=\"server\",active=\"1\"}"));
        Assert.DoesNotContain("choria_tally", body, StringComparison.Ordinal);
    }

    private static WatcherStateEvent Exec(string identity, string outcome, long runtimeNanoseconds) => new()
    {
        Protocol = "io.choria.machine.watcher.exec.v1.state",
        Id = MachineInstance,
        Identity = identity,
        Timestamp = Epoch,
        Machine = "runner",
        MachineVersion = "1.0.0",
        WatcherType = "exec",
        Name = "run",
        RawData = $$"""{"command":"./run.sh","previous_outcome":"{{outcome}}","previous_run_time":{{runtimeNanoseconds}}}""",
    };
}
