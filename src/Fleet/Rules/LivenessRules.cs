using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Store;

namespace ChoriaDashboard.Fleet.Rules;

/// <summary>
/// The sweep: silence moves nodes to stale or dead (by <see cref="LivenessPolicy"/>), and nodes, machines and watchers
/// silent past <c>ForgetAfter</c> are forgotten. Every silence is measured on the liveness clock, less the time the
/// dashboard was deaf.
/// </summary>
internal sealed class LivenessRules(FleetState fleet)
{
    private readonly LivenessPolicy _policy = fleet.Policy;

    /// <summary>Moves silent nodes to stale or dead, and forgets those silent past <c>ForgetAfter</c>.</summary>
    /// <param name="now">Now on the liveness clock.</param>
    /// <param name="deaf">Time the dashboard was cut off from the broker (or not running), which does not count as silence.</param>
    public void Sweep(DateTimeOffset now, FleetChangeSet changes, DeafTimeline deaf)
    {
        foreach (var (key, node) in fleet.AllNodes)
        {
            if (node.State is NodeState.Dead or NodeState.Stopped && _policy.ShouldForget(node, now, deaf))
            {
                if (fleet.RemoveNode(key, node))
                {
                    changes.Remove(key);
                }

                continue;
            }

            var state = _policy.Evaluate(node, now, deaf);
            if (state != node.State)
            {
                var next = node with { State = state };
                fleet.ReplaceNode(node, next, cause: null);
                changes.Upsert(next);
            }
        }

        foreach (var (_, host) in fleet.AllHosts)
        {
            SweepMachines(host, now, changes, deaf);
        }
    }

    /// <summary>Forgets machines and watchers silent past <c>ForgetAfter</c>, one by one, so renamed checks do not pile up.</summary>
    private void SweepMachines(MachineHost host, DateTimeOffset now, FleetChangeSet changes, DeafTimeline deaf)
    {
        var before = host.MachineMap;
        var machines = before;
        List<MachineEntry>? forgottenMachines = null;
        foreach (var machine in before.Values)
        {
            if (_policy.ShouldForget(machine.HeardAt, now, deaf))
            {
                machines = machines.Remove(machine.Machine);
                (forgottenMachines ??= []).Add(machine);
                continue;
            }

            var watchers = machine.WatcherMap;
            List<WatcherEntry>? forgottenWatchers = null;
            foreach (var watcher in machine.WatcherMap.Values)
            {
                if (_policy.ShouldForget(watcher.Latest.HeardAt, now, deaf))
                {
                    watchers = watchers.Remove(watcher.Name);
                    (forgottenWatchers ??= []).Add(watcher);
                }
            }

            if (forgottenWatchers is not null)
            {
                fleet.ForgetWatchers(machine, watchers, forgottenWatchers);
                changes.Upsert(host);
            }
        }

        if (forgottenMachines is not null)
        {
            fleet.ForgetMachines(host, machines, forgottenMachines);
            changes.Upsert(host);
        }
    }
}
