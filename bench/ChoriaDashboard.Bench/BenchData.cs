using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;

namespace ChoriaDashboard.Bench;

/// <summary>Events and fleets the benchmarks share: what a real Choria fleet sends, built with the app's own encoder.</summary>
internal static class BenchData
{
    public static readonly DateTimeOffset Epoch = DateTimeOffset.FromUnixTimeSeconds(1_718_000_000);

    public static string Identity(int i) => $"node{i:000000}.ams1.example.net";

    public static AliveEvent Alive(int i, string version = "0.29.4") => new()
    {
        Protocol = "io.choria.lifecycle.v1.alive",
        Id = "97a1e885-a3ca-4a67-ad20-00a8821c016a",
        Identity = Identity(i),
        Component = "server",
        Timestamp = Epoch,
        Version = version,
    };

    public static StartupEvent Startup(int i, string version = "0.29.4") => new()
    {
        Protocol = "io.choria.lifecycle.v1.startup",
        Id = "d4ad7eeb-970c-4084-b601-0ebc0cf03ef2",
        Identity = Identity(i),
        Component = "server",
        Timestamp = Epoch,
        Version = version,
    };

    public static NagiosWatcherState Nagios(int i) => new()
    {
        Protocol = "io.choria.machine.watcher.nagios.v1.state",
        Id = "6090c06d-eacf-42d9-89bd-4accbe2ed7b1",
        Identity = Identity(i),
        Timestamp = Epoch,
        Machine = "check_load",
        MachineVersion = "1.0.0",
        WatcherType = "nagios",
        Name = "check",
        Plugin = "/usr/lib64/nagios/plugins/check_load",
        Status = "OK",
        StatusCode = 0,
        Output = "OK - load average: 0.12, 0.10, 0.09 | load1=0.12",
        CheckTime = Epoch,
        RuntimeSeconds = 0.012,
        PerfData = [new NagiosPerfData("load1", 0.12, "")],
        History = [new NagiosHistoryItem(Epoch, 0), new NagiosHistoryItem(Epoch.AddMinutes(5), 0)],
    };

    /// <summary>A fleet of <paramref name="nodes"/> node-components, each started once; a few dead, stale and stopped.</summary>
    public static FleetState Fleet(int nodes, FleetOptions? options = null)
    {
        var state = new FleetState(options ?? new FleetOptions { MaxNodes = 10_000_000 });
        var changes = new FleetChangeSet();
        for (var i = 0; i < nodes; i++)
        {
            state.Apply(Startup(i, i % 3 == 0 ? "0.29.3" : "0.29.4"), Epoch, changes);
            if (i % 1024 == 0)
            {
                changes.Clear();
            }
        }

        // Some nodes fell silent long ago: the sweep turns them stale and dead, as a real fleet has.
        for (var i = 0; i < nodes; i += 97)
        {
            state.Apply(Alive(i), Epoch.AddHours(2), changes);
        }

        changes.Clear();
        state.Sweep(Epoch.AddHours(2).AddMinutes(1), changes);
        changes.Clear();
        return state;
    }
}
