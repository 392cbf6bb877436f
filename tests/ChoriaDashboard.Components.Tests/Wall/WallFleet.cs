using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Components.Tests.Wall;

/// <summary>Machines with nagios checks, as the fleet writer would hold them, for the board's checks.</summary>
internal static class WallFleet
{
    public static MachineHost Host(string identity, DateTimeOffset at, params (string Check, NagiosStatus Health, string Output)[] checks)
    {
        var watchers = SmallDictionary<WatcherEntry>.Empty;
        foreach (var (check, health, output) in checks)
        {
            watchers = watchers.SetItem(check, new WatcherEntry(check, "nagios", new WatcherSnapshot { ReceivedAt = at, Health = health, Output = output }));
        }

        var machine = new MachineEntry("check_" + identity.Split('.')[0], MachineSnapshot.Unknown, at);
        machine.SetWatchers(watchers);
        var host = new MachineHost(identity);
        host.SetMachines(SmallDictionary<MachineEntry>.Empty.SetItem(machine.Machine, machine));
        return host;
    }
}
