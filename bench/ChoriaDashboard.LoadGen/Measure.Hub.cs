using System.Diagnostics;

namespace ChoriaDashboard.LoadGen;

/// <summary>The hub phase: what clients of <c>/hubs/fleet</c> cost the server, and whether ingest notices them.</summary>
internal sealed partial class Measure
{
    // (8) Hub clients under steady load: each streams the whole fleet (a snapshot in parts, then merged changes). Ingest's
    // sustained rate on the mixed batch without and with them (twice each, for the spread), the server's CPU and RSS,
    // how long the full snapshot takes to arrive, and what each client receives per second.
    private async Task HubAsync(Publisher publisher, Msg[] mixed)
    {
        var pid = _app!.Pid;
        var idle = new CpuWindow(pid);
        await Task.Delay(_o.CpuWindow);
        var baseCores = idle.Cores;
        var (rssBefore, _) = ProcStats.Memory(pid);
        var without = new List<double>();
        var runnerWithout = new CpuWindow(System.Environment.ProcessId);
        for (var i = 0; i < 2; i++)
        {
            without.Add(await SustainedRateAsync(publisher, mixed));
        }

        var runnerCoresWithout = runnerWithout.Cores;

        var fleet = await _poller.ReadAsync();
        var clients = new List<HubClient>();
        try
        {
            var opening = Stopwatch.StartNew();
            for (var i = 0; i < _o.HubClients; i++)
            {
                clients.Add(await HubClient.StartAsync(new Uri(_appUri, "hubs/fleet")));
            }

            await Task.WhenAll(clients.Select(c => c.Snapshot.WaitAsync(Long)));
            var snapshots = opening.Elapsed;
            var snapshotNodes = clients.Min(c => c.SnapshotNodes);
            Log.Line($"hub: {clients.Count} clients have the whole snapshot ({snapshotNodes:N0} nodes each) {snapshots.TotalSeconds:0.0} s after the first connected");

            var (rssOpen, _) = ProcStats.Memory(pid);
            var cores = new List<double>();
            var perClient = new List<double>();
            for (var w = 0; w < 2; w++)
            {
                var window = new CpuWindow(pid);
                var nodes0 = clients.Sum(c => c.NodesReceived);
                await Task.Delay(_o.CpuWindow);
                cores.Add(window.Cores * 100);
                perClient.Add((clients.Sum(c => c.NodesReceived) - nodes0) / _o.CpuWindow.TotalSeconds / clients.Count);
            }

            var with = new List<double>();
            var runnerWith = new CpuWindow(System.Environment.ProcessId);
            for (var i = 0; i < 2; i++)
            {
                with.Add(await SustainedRateAsync(publisher, mixed));
            }

            var runnerCoresWith = runnerWith.Cores;

            var (rssAfter, _) = ProcStats.Memory(pid);
            var failed = clients.Count(c => c.Error is not null);
            _report.Add(new ResultRow(
                $"{clients.Count} hub clients (whole fleet), steady load: ingest sustained rate on the mixed batch",
                "unchanged within the spread",
                $"{Fmt.Rate(with.Average())} with (runs {string.Join(", ", with.Select(Fmt.Rate))}) vs {Fmt.Rate(without.Average())} without (runs {string.Join(", ", without.Select(Fmt.Rate))})",
                Verdict.Info,
                $"{mixed.Length:N0} msgs per run; {fleet.Nodes:N0}-node fleet; the runner (publisher and the clients) took {runnerCoresWith:0.00} cores with, {runnerCoresWithout:0.00} without, of the machine's {System.Environment.ProcessorCount}; {failed} streams failed"));
            _report.Add(new ResultRow(
                $"{clients.Count} hub clients (whole fleet), steady load: server CPU and RSS",
                "—",
                $"median {Fmt.N(Stats.Percentile(cores, 50), "N0")}% of one core (range {Fmt.N(cores.Min(), "N0")}–{Fmt.N(cores.Max(), "N0")}%), {Fmt.N(baseCores * 100, "N0")}% without; RSS {Fmt.MB(rssBefore)} → {Fmt.MB(rssOpen)} with clients → {Fmt.MB(rssAfter)} after the ingest runs",
                Verdict.Info,
                $"{_o.CpuWindow.TotalSeconds:0} s windows; each client received {Fmt.N(Stats.Percentile(perClient, 50), "N0")} changed nodes/s; the {snapshotNodes:N0}-node snapshot reached all {clients.Count} in {snapshots.TotalSeconds:0.0} s; resynchronised (fell behind): {clients.Sum(c => c.Resynchronised)}"));
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    /// <summary>The app's sustained rate on one run of <paramref name="mixed"/>, between 10 % and 90 % of it.</summary>
    private async Task<double> SustainedRateAsync(Publisher publisher, Msg[] mixed)
    {
        var before = await _poller.ReadAsync();
        await using var sampler = new RateSampler(() => _poller.Last.Processed, TimeSpan.FromMilliseconds(5));
        await publisher.WindowedAsync(mixed, 1, () => _poller.Last.Processed, _o.Window, TimeSpan.FromSeconds(20));
        await _poller.WaitAsync(r => r.Processed >= before.Processed + mixed.Length, TimeSpan.FromSeconds(30));
        // The sampler reads the poller every 5 ms: give it the moment to see the reading the wait above just saw.
        var rate = double.NaN;
        for (var waited = Stopwatch.StartNew(); double.IsNaN(rate) && waited.Elapsed < TimeSpan.FromSeconds(2); await Task.Delay(20))
        {
            rate = sampler.RateBetween(before.Processed + (mixed.Length / 10), before.Processed + (mixed.Length * 9 / 10));
        }

        Log.Line($"hub: ingest sustained {Fmt.Rate(rate)}");
        return rate;
    }
}
