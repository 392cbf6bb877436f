using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Store;

namespace ChoriaDashboard.Fleet.Rules;

/// <summary>
/// The sweep: silence moves nodes to stale or dead (by <see cref="LivenessPolicy"/>), checks whose node stopped or died
/// or which stopped reporting turn stale, and nodes, machines and watchers silent past <c>ForgetAfter</c> are forgotten.
/// Every silence is measured on the liveness clock, less the time the dashboard was deaf.
/// </summary>
internal sealed class LivenessRules(FleetState fleet)
{
    private readonly LivenessPolicy _policy = fleet.Policy;
    private readonly FleetOptions _options = fleet.Options;

    /// <summary>Moves silent nodes to stale or dead, marks checks stale, and forgets what is silent past <c>ForgetAfter</c>.</summary>
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

    /// <summary>
    /// Forgets machines and watchers silent past <c>ForgetAfter</c>, one by one, so renamed checks do not pile up; marks
    /// the checks left stale when they are no longer current.
    /// </summary>
    private void SweepMachines(MachineHost host, DateTimeOffset now, FleetChangeSet changes, DeafTimeline deaf)
    {
        var before = host.MachineMap;
        var machines = before;
        var nodeGone = NodeGone(host.Identity);
        var changed = false;
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
                else if (StaleReasonOf(watcher.Latest, nodeGone, now, deaf) is { } reason)
                {
                    fleet.MarkStale(watcher, reason);
                    changed = true;
                }
            }

            if (forgottenWatchers is not null)
            {
                fleet.ForgetWatchers(machine, watchers, forgottenWatchers);
                changed = true;
            }
        }

        if (forgottenMachines is not null)
        {
            fleet.ForgetMachines(host, machines, forgottenMachines);
            changed = true;
        }

        if (changed)
        {
            changes.Upsert(host);
        }
    }

    /// <summary>
    /// Why a check's current result stops being current now, if it does: its node (the identity's <c>server</c>, which
    /// runs the autonomous agents) stopped or died, or it has been silent past its bound. Only nagios checks: they announce
    /// a result after every run, so their silence means something; other watchers announce only on change.
    /// </summary>
    private StaleReason? StaleReasonOf(WatcherSnapshot latest, StaleReason? nodeGone, DateTimeOffset now, DeafTimeline deaf) =>
        latest.Health is null || latest.IsStale ? null
        : nodeGone is { } gone ? gone
        : LivenessPolicy.HeardSilence(latest.HeardAt, now, deaf) > _options.CheckSilenceAllowed(latest) ? StaleReason.Silent
        : null;

    private StaleReason? NodeGone(string identity) =>
        fleet.TryGetNode(new NodeKey(identity, ChoriaComponents.Server), out var server)
            ? server.State switch
            {
                NodeState.Dead => StaleReason.NodeDead,
                NodeState.Stopped => StaleReason.NodeStopped,
                _ => null,
            }
            : null;
}
