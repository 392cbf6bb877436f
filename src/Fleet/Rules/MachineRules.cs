using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Store;

namespace ChoriaDashboard.Fleet.Rules;

/// <summary>
/// How autonomous agent events change a node's machines: transitions set a machine's state, watcher states replace a
/// watcher's latest state; <c>Fleet:MaxNodes</c>, <c>MaxMachinesPerNode</c>, <c>MaxWatchersPerMachine</c> and the
/// fleet-wide <c>MaxWatchers</c> bound them.
/// </summary>
internal sealed class MachineRules(FleetState fleet)
{
    private readonly FleetOptions _options = fleet.Options;

    public ApplyOutcome Apply(MachineEvent evt, DateTimeOffset receivedAt, FleetChangeSet changes, bool replayed = false)
    {
        // Every limit is checked before anything is created, so a rejected event leaves no trace.
        if (!fleet.TryGetHost(evt.Identity, out var host) && fleet.HostCount >= _options.MaxNodes)
        {
            return ApplyOutcome.FleetFull;
        }

        // A new host or machine has none yet: count 0, so a limit of 0 still turns the first one away.
        MachineEntry? machine = null;
        if (host?.MachineMap.TryGetValue(evt.Machine, out machine) != true && (host?.MachineMap.Count ?? 0) >= _options.MaxMachinesPerNode)
        {
            return ApplyOutcome.MachineLimit;
        }

        WatcherEntry? watcher = null;
        var w = evt as WatcherStateEvent;
        if (w is not null && machine?.WatcherMap.TryGetValue(w.Name, out watcher) != true && (machine?.WatcherMap.Count ?? 0) >= _options.MaxWatchersPerMachine)
        {
            return ApplyOutcome.MachineLimit;
        }

        // Made-up checks from many identities, each within the per-node limits, must not exhaust memory; watchers
        // already kept go on updating.
        if (w is not null && watcher is null && fleet.WatcherCount >= _options.MaxWatchers)
        {
            return ApplyOutcome.TooManyWatchers;
        }

        // Replayed history the live subscription overtook moves nothing back: a transition older than the machine's
        // last one, a watcher state older than the watcher's. Live events always apply (another clock).
        if (replayed
            && ((evt is MachineTransitionEvent && machine is not null && receivedAt < machine.Latest.LastTransitionAt)
                || (watcher is not null && receivedAt < watcher.Latest.ReceivedAt)))
        {
            return ApplyOutcome.Superseded;
        }

        // The node's server entry usually holds the same identity already: the host shares that string.
        host ??= fleet.AddHost(evt.Identity);

        var latest = machine?.Latest ?? MachineSnapshot.Unknown;
        var next = NextMachineSnapshot(latest, evt, receivedAt);
        if (machine is null)
        {
            machine = new MachineEntry(evt.Machine, next, receivedAt, fleet.HeardNow);
            fleet.AddMachine(host, machine);
        }
        else
        {
            fleet.UpdateMachine(machine, receivedAt, next);
        }

        if (w is not null)
        {
            var state = WatcherSnapshot.From(w, receivedAt, fleet.HeardNow);
            if (state.IsFailing)
            {
                state = state with { FailingSince = watcher?.Latest is { IsFailing: true, FailingSince: { } since } ? since : receivedAt };
            }

            fleet.SetWatcher(host, machine, watcher, w.Name, w.WatcherType, state);
        }

        changes.Upsert(host);
        return ApplyOutcome.Accepted;
    }

    /// <summary>The machine's new snapshot, or <paramref name="latest"/> itself when the event changes none of it.</summary>
    private MachineSnapshot NextMachineSnapshot(MachineSnapshot latest, MachineEvent evt, DateTimeOffset receivedAt)
    {
        if (evt is MachineTransitionEvent t)
        {
            var transitions = latest.Transitions;
            if (_options.MachineTransitionHistory > 0)
            {
                if (transitions.Length >= _options.MachineTransitionHistory)
                {
                    transitions = transitions.RemoveRange(0, transitions.Length - _options.MachineTransitionHistory + 1);
                }

                transitions = transitions.Add(new MachineTransition(receivedAt, t.Transition, t.FromState, t.ToState));
            }

            return new MachineSnapshot
            {
                Version = evt.MachineVersion,
                InstanceId = Same(latest.InstanceId, evt.Id),
                State = t.ToState,
                LastTransition = t.Transition,
                LastTransitionAt = receivedAt,
                Transitions = transitions,
            };
        }

        return latest.Version == evt.MachineVersion && latest.InstanceId == evt.Id
            ? latest
            : latest with { Version = evt.MachineVersion, InstanceId = evt.Id };

        static string Same(string? known, string value) => known == value ? known : value;
    }
}
