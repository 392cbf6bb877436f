using System.Diagnostics;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Fleet.Store;
using ChoriaDashboard.Ingest;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChoriaDashboard.Bench.Day;

/// <summary>
/// A simulated day (issue 22): the app's real fleet store (its writer loop, sweeps on its timer, the <c>Fleet</c>
/// options of <c>appsettings.json</c>) on a manual clock, fed by <see cref="SimulatedFleet"/> step by step, measured after
/// every simulated hour (<see cref="HourFigures"/>) and checked at the end (<see cref="DayChecks"/>).
/// Run: <c>scripts/bench.sh day [--nodes N] [--hours H] [--smoke]</c>.
/// </summary>
internal static class DayRun
{
    private const string Subject = "choria.lifecycle.event";

    /// <summary>Longest real time the writer may take to catch up with one step before the run is called stuck.</summary>
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(string[] args)
    {
        var smoke = args.Contains("--smoke");
        var scenario = smoke
            ? new DayScenario { Nodes = 2_000, Hours = 26, RestartsPerHour = 20, DeathsPerHour = 20, NewNodesPerHour = 20, GovernorEventsPerHour = 300 }
            : new DayScenario();
        scenario = scenario with
        {
            Nodes = IntArg(args, "--nodes") ?? scenario.Nodes,
            Hours = IntArg(args, "--hours") ?? scenario.Hours,
        };
        var output = StringArg(args, "--out") ?? Path.Combine("artifacts", "bench", smoke ? "day-smoke.md" : "day.md");
        var command = "scripts/bench.sh day " + string.Join(' ', args.Where(a => a != "--day"));

        var (options, optionsSource) = LoadFleetOptions();

        // Fleet:BatchDelay (a few milliseconds in which the writer gathers a larger batch) is a wait on the fleet's clock:
        // on the manual clock it would wait for the next step, and a delay begun just after a step's clock move would
        // never end (1 run in 4 hung at the first step). It changes how events are batched, not what they do.
        options.BatchDelay = TimeSpan.Zero;
        var start = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start);
        var counters = new IngestCounters(NullLogger<IngestCounters>.Instance, time, 5, TimeSpan.FromMinutes(1));
        var ingest = new IngestOptions();
        using var store = new FleetStore(Options.Create(options), counters, time, NullLogger<FleetStore>.Instance, ingest.QueueCapacity);
        store.ReportBroker(new BrokerStatus(BrokerState.Connected, start, "nats://127.0.0.1:4222", 3, 3, null));
        await store.StartAsync(CancellationToken.None);

        // One reader that keeps up, as an open page does: the stream's buffers are measured with it attached.
        using var page = store.Subscribe();
        using var stop = new CancellationTokenSource();
        var updatesRead = 0L;
        var reader = Task.Run(async () =>
        {
            try
            {
                while (await page.WaitToReadAsync(stop.Token))
                {
                    while (page.TryRead(out _))
                    {
                        Interlocked.Increment(ref updatesRead);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        var fleet = new SimulatedFleet(scenario);
        var figures = new List<HourFigures>();
        var wall = Stopwatch.StartNew();
        var events = new List<ChoriaEvent>(8192);
        var stepsPerHour = (int)(TimeSpan.FromHours(1) / scenario.Step);
        long eventsSent = 0;
        Console.WriteLine($"Simulated day: {scenario.Nodes:N0} nodes, {scenario.Hours} h in steps of {scenario.Step.TotalSeconds} s; Fleet options from {optionsSource}");
        for (var hour = 1; hour <= scenario.Hours; hour++)
        {
            var hourWall = Stopwatch.StartNew();
            for (var s = 0; s < stepsPerHour; s++)
            {
                var t = time.GetUtcNow() - start;
                events.Clear();
                fleet.EventsDue(t, time.GetUtcNow(), events);
                await EnqueueAsync(store, time, events);
                eventsSent += events.Count;
                time.Advance(scenario.Step);
                await CaughtUpAsync(store, time.GetUtcNow());
            }

            var hourFigures = HourFigures.Measure(hour, store, options, fleet, hourWall.Elapsed);
            figures.Add(hourFigures);
            Console.WriteLine(hourFigures.ConsoleLine());
        }

        var end = DayChecks.Finish(store, options, fleet, time.GetUtcNow() - start, scenario.Step);
        var nodeList = NodeListTiming.Measure(store, runs: 50);
        await stop.CancelAsync();
        await reader;
        var report = new DayReport(scenario, options, optionsSource, command, figures, end, nodeList, eventsSent, wall.Elapsed, store.FleetSubscriptionLags, Interlocked.Read(ref updatesRead), counters);
        var text = report.ToMarkdown();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, text);
        Console.WriteLine();
        Console.WriteLine(text);
        Console.WriteLine($"Report: {output}");
        await store.StopAsync(CancellationToken.None);
        return report.Failures.Count == 0 ? 0 : 1;
    }

    /// <summary>Queues one step's events as the ingest would: received now, with the monotonic timestamp of now.</summary>
    private static async Task EnqueueAsync(FleetStore store, FakeTimeProvider time, List<ChoriaEvent> events)
    {
        var now = time.GetUtcNow();
        var timestamp = time.GetTimestamp();
        for (var i = 0; i < events.Count; i += IngestBatch.MaxCount)
        {
            var batch = new IngestBatch(IngestBatch.MaxCount);
            for (var j = i; j < Math.Min(events.Count, i + IngestBatch.MaxCount); j++)
            {
                var evt = events[j];
                batch.Add(evt, evt is LifecycleEvent ? Subject : "choria.machine.watcher.nagios.state", now, timestamp: timestamp);
            }

            // The writer waits on the manual clock between batches: a queue that fills within one step would wait forever.
            var write = store.EnqueueAsync(batch, CancellationToken.None);
            if (!write.IsCompletedSuccessfully)
            {
                throw new InvalidOperationException($"One step queued more events ({events.Count}) than the queue holds (Ingest:QueueCapacity): use a shorter step");
            }

            await write;
        }
    }

    /// <summary>Waits (in real time) until the writer has taken every queued event and finished a batch at <paramref name="now"/>.</summary>
    private static async Task CaughtUpAsync(FleetStore store, DateTimeOffset now)
    {
        var waited = Stopwatch.StartNew();
        var spinner = default(SpinWait);
        while (store.LastBatchAt < now || store.QueueLength > 0)
        {
            if (waited.Elapsed > StepTimeout)
            {
                throw new TimeoutException($"The writer did not catch up with {now:O} within {StepTimeout.TotalSeconds} s: last batch at {store.LastBatchAt:O}, {store.QueueLength} events queued");
            }

            if (spinner.NextSpinWillYield)
            {
                await Task.Delay(1);
            }
            else
            {
                spinner.SpinOnce();
            }
        }
    }

    /// <summary>The <c>Fleet</c> section of the app's <c>appsettings.json</c>, found from the working directory upwards.</summary>
    private static (FleetOptions Options, string Source) LoadFleetOptions()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, "appsettings.json");
            if (File.Exists(file) && File.Exists(Path.Combine(dir.FullName, "ChoriaDashboard.csproj")))
            {
                var options = new FleetOptions();
                new ConfigurationBuilder().AddJsonFile(file).Build().GetSection(FleetOptions.Section).Bind(options);
                return (options, "appsettings.json");
            }
        }

        return (new FleetOptions(), "FleetOptions defaults (appsettings.json not found)");
    }

    private static int? IntArg(string[] args, string name) =>
        StringArg(args, name) is { } value ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    private static string? StringArg(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}

/// <summary>The node list as <c>/nodes</c> computes it on a cache miss: default query (trouble first), every node.</summary>
internal sealed record NodeListTiming(int Runs, int Rows, double MedianMs, double MaxMs, string FirstRow)
{
    public static NodeListTiming Measure(FleetStore store, int runs)
    {
        var times = new double[runs];
        NodeSnapshot[] rows = [];
        for (var i = 0; i < runs; i++)
        {
            // A new cache each run: what a page pays when the node list revision moved (a node changed state or version).
            var cache = new NodeListCache(store, 32);
            var watch = Stopwatch.StartNew();
            rows = cache.Get(new NodeQuery(), NodeListCache.RevisionFor(new NodeQuery(), store.Summary));
            times[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        var first = rows.Length > 0 ? $"{rows[0].Identity} ({rows[0].State})" : "none";
        return new NodeListTiming(runs, rows.Length, times[runs / 2], times[^1], first);
    }
}
