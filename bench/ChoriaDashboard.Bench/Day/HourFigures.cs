using System.Globalization;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Store;

namespace ChoriaDashboard.Bench.Day;

/// <summary>One history or buffer the fleet keeps: its size after an hour and the bound it must keep to.</summary>
internal sealed record Bounded(string Name, string Option, long Size, long Bound)
{
    public bool Within => Size <= Bound;
}

/// <summary>
/// The fleet after one simulated hour: managed memory after a full, compacting collection, nodes by state, whether
/// every node up in the simulation is live in the view, and the size of every history and buffer the store keeps
/// against its bound.
/// </summary>
internal sealed record HourFigures(
    int Hour,
    double ManagedMb,
    double WorkingSetMb,
    int Live,
    int Stale,
    int Dead,
    int Stopped,
    int Hosts,
    int UpNotLive,
    IReadOnlyList<string> UpNotLiveEvidence,
    IReadOnlyList<Bounded> Bounds,
    TimeSpan RealTime)
{
    public int Entries => Live + Stale + Dead + Stopped;

    public static HourFigures Measure(int hour, FleetStore store, FleetOptions options, SimulatedFleet fleet, TimeSpan realTime)
    {
        // Memory first, before this method allocates anything of its own.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var managed = GC.GetTotalMemory(forceFullCollection: true) / 1_048_576.0;
        var workingSet = Environment.WorkingSet / 1_048_576.0;

        int live = 0, stale = 0, dead = 0, stopped = 0, longestHistory = 0, biggestRing = 0;
        foreach (var (_, node) in store.Nodes)
        {
            switch (node.State)
            {
                case NodeState.Live: live++; break;
                case NodeState.Stale: stale++; break;
                case NodeState.Dead: dead++; break;
                default: stopped++; break;
            }

            longestHistory = Math.Max(longestHistory, node.Activity.History.Count);
            biggestRing = Math.Max(biggestRing, node.Activity.HistoryCapacity);
        }

        int longestTransitions = 0, longestCheckHistory = 0, machinesOnHost = 0, watchersOnMachine = 0;
        foreach (var (_, host) in store.Machines)
        {
            machinesOnHost = Math.Max(machinesOnHost, host.Machines.Count);
            foreach (var (_, machine) in host.Machines)
            {
                longestTransitions = Math.Max(longestTransitions, machine.Latest.Transitions.Length);
                watchersOnMachine = Math.Max(watchersOnMachine, machine.Watchers.Count);
                foreach (var (_, watcher) in machine.Watchers)
                {
                    longestCheckHistory = Math.Max(longestCheckHistory, watcher.Latest.History.Length);
                }
            }
        }

        var notLive = fleet.Up
            .Select(n => (Sim: n, Seen: store.Nodes.TryGetValue(new NodeKey(n.Identity, "server"), out var node) ? node : null))
            .Where(n => n.Seen?.State != NodeState.Live)
            .ToList();
        var upNotLive = notLive.Count;
        var evidence = notLive.Take(3).Select(n => $"{n.Sim.Identity} ({n.Sim.Version}, every {n.Sim.Interval.TotalMinutes} min, last sent at {n.Sim.LastSent}, restarts {n.Sim.Restarts}): {(n.Seen is null ? "not in the view" : $"{n.Seen.State}, last seen {n.Seen.LastSeen:HH:mm:ss}, {n.Seen.Version}")}").ToList();
        var state = store.State;
        var summary = store.Summary;
        var versions = summary.Components.IsEmpty ? 0 : summary.Components.Max(c => c.Versions.Length);
        Bounded[] bounds =
        [
            new("Node entries (identity × component)", "MaxNodes", state.NodeCount, options.MaxNodes),
            new("Node history, longest", "HistoryLength", longestHistory, options.HistoryLength),
            new("Node history ring, largest", "HistoryLength + 2", biggestRing, options.HistoryLength + NodeActivity.Slack),
            new("History details numbered", "MaxHistoryDetails", state.Details.Count, options.MaxHistoryDetails),
            new("Chart samples", "SeriesLength", store.Series.Count, options.SeriesLength),
            new("Event tail ring", "EventFeedLength", store.RecentEventCount, options.EventFeedLength),
            new("News log (notable)", "NotableChangesLength", store.RecentNews.Count, options.NotableChangesLength),
            new("Governor history", "GovernorHistoryLength", store.GovernorHistory.Count, options.GovernorHistoryLength),
            new("Governor counters", "MaxGovernorCounters", store.GovernorCounts.Count, options.MaxGovernorCounters),
            new("Watchers", "MaxWatchers", state.WatcherCount, options.MaxWatchers),
            new("Machines on one host, most", "MaxMachinesPerNode", machinesOnHost, options.MaxMachinesPerNode),
            new("Watchers on one machine, most", "MaxWatchersPerMachine", watchersOnMachine, options.MaxWatchersPerMachine),
            new("Machine transitions, longest", "MachineTransitionHistory", longestTransitions, options.MachineTransitionHistory),
            new("Versions of one component, most", "MaxVersionsPerComponent", versions, options.MaxVersionsPerComponent),
            new("Writer queue", "Ingest:QueueCapacity", store.QueueLength, new Ingest.IngestOptions().QueueCapacity),
            new("Check history as sent, longest", "(the node's; 3 sent)", longestCheckHistory, 3),
        ];

        return new HourFigures(hour, managed, workingSet, live, stale, dead, stopped, state.HostCount, upNotLive, evidence, bounds, realTime);
    }

    public string ConsoleLine() => string.Create(
        CultureInfo.InvariantCulture,
        $"hour {Hour,2}: managed {ManagedMb,7:F1} MB, working set {WorkingSetMb,7:F1} MB, nodes {Entries:N0} (live {Live:N0}, stale {Stale:N0}, dead {Dead:N0}, stopped {Stopped:N0}), hosts {Hosts:N0}, up but not live {UpNotLive} {string.Join("; ", UpNotLiveEvidence)}, bounds {(Bounds.All(b => b.Within) ? "kept" : "EXCEEDED")}, {RealTime.TotalSeconds:F1} s");
}
