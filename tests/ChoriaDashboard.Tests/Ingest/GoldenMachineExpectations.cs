using System.Collections.Immutable;
using ChoriaDashboard.Events;
using static ChoriaDashboard.Tests.Ingest.GoldenExpectations;

namespace ChoriaDashboard.Tests.Ingest;

/// <summary>The golden machine events: transitions and every watcher kind go-choria has, CloudEvents and legacy-shaped.</summary>
internal static class GoldenMachineExpectations
{
    private const string MachineInstance = "6090c06d-eacf-42d9-89bd-4accbe2ed7b1";

    public static void AddTo(Dictionary<string, ChoriaEvent> all)
    {
        // Machine events: CloudEvents structured and binary.
        var machine = new Dictionary<string, Func<WireFormat, ChoriaEvent>>(StringComparer.Ordinal)
        {
            ["transition"] = f => new MachineTransitionEvent
            {
                Protocol = "io.choria.machine.v1.transition",
                Id = MachineInstance,
                Identity = "node1.example.net",
                MachineVersion = "1.0.0",
                Timestamp = At("2024-06-10T06:18:20Z"),
                Machine = "check_httpd",
                Format = f,
                Transition = "CRITICAL",
                FromState = "ok",
                ToState = "critical",
            },
            ["nagios-critical"] = f => new NagiosWatcherState
            {
                Protocol = "io.choria.machine.watcher.nagios.v1.state",
                Id = MachineInstance,
                Identity = "node1.example.net",
                MachineVersion = "1.0.0",
                Timestamp = At("2024-06-10T06:18:20Z"),
                Machine = "check_httpd",
                Format = f,
                WatcherType = "nagios",
                Name = "check",
                Plugin = "/usr/lib64/nagios/plugins/check_procs -C httpd -c 1:25",
                Status = "CRITICAL",
                StatusCode = 2,
                Output = "PROCS CRITICAL: 0 processes with command name 'httpd' | procs=0;;1:25;0;",
                CheckTime = At("2024-06-10T06:18:20Z"),
                RuntimeSeconds = 0.012,
                PerfData = [new NagiosPerfData("procs", 0, "")],
                History = [new NagiosHistoryItem(At("2024-06-10T06:18:20.001Z"), 2)],
                Annotations = ImmutableDictionary<string, string>.Empty,
            },
            ["nagios-ok"] = f => new NagiosWatcherState
            {
                Protocol = "io.choria.machine.watcher.nagios.v1.state",
                Id = MachineInstance,
                Identity = "node1.example.net",
                MachineVersion = "1.0.0",
                Timestamp = At("2024-06-10T06:19:20Z"),
                Machine = "check_disk_root",
                Format = f,
                WatcherType = "nagios",
                Name = "check",
                Plugin = "/usr/lib64/nagios/plugins/check_disk -w 20% -c 10% -p /",
                Status = "OK",
                StatusCode = 0,
                Output = "DISK OK - free space: / 12034 MB (61% inode=92%);| /=7612MB;15756;17726;0;19696\nsecond line of output\nthird line",
                CheckTime = At("2024-06-10T06:19:19Z"),
                RuntimeSeconds = 0.250371,
                PerfData = [new NagiosPerfData("/", 7612, "MB"), new NagiosPerfData("inode_free", 92.5, "%"), new NagiosPerfData("time", 0.25, "s")],
                History =
                [
                    // RFC3339Nano as Go writes it: nine fraction digits, rounded to .NET's 100 ns ticks.
                    new NagiosHistoryItem(At("2024-06-10T06:14:19Z"), 1),
                    new NagiosHistoryItem(At("2024-06-10T06:15:19.5Z"), 3),
                    new NagiosHistoryItem(At("2024-06-10T06:19:19.1234568Z"), 0),
                ],
                Annotations = ImmutableDictionary<string, string>.Empty
                    .Add("team", "storage")
                    .Add("runbook", "https://wiki.example.net/disk"),
            },
            ["exec"] = f => Watcher("exec", "puppet_runner", "run_puppet", "2024-06-10T06:20:20Z", f),
            ["file"] = f => Watcher("file", "config_watch", "watch_config", "2024-06-10T06:21:20Z", f),
            ["schedule"] = f => Watcher("schedule", "backup", "nightly", "2024-06-10T06:22:20Z", f),
            ["kv"] = f => Watcher("kv", "config_sync", "watch_kv", "2024-06-10T06:23:20Z", f),
        };
        foreach (var (name, make) in machine)
        {
            all[$"structured/machine-{name}.json"] = make(WireFormat.CloudEventStructured);
            all[$"binary/machine-{name}.json"] = make(WireFormat.CloudEventBinary);
        }

        // The other watcher kinds go-choria has; kept generic (common fields plus raw data).
        all["structured/machine-timer.json"] = Watcher("timer", "maintenance", "window", "2024-06-10T06:24:20Z", WireFormat.CloudEventStructured);
        all["structured/machine-metric.json"] = Watcher("metric", "load", "sample", "2024-06-10T06:25:20Z", WireFormat.CloudEventStructured);
        all["structured/machine-gossip.json"] = Watcher("gossip", "registry", "announce", "2024-06-10T06:26:20Z", WireFormat.CloudEventStructured);
        all["structured/machine-httpswitch.json"] = Watcher("httpswitch", "feature_flag", "switch", "2024-06-10T06:27:20Z", WireFormat.CloudEventStructured);
        all["structured/machine-expression.json"] = Watcher("expression", "gate", "evaluate", "2024-06-10T06:28:20Z", WireFormat.CloudEventStructured);
        all["structured/machine-archive.json"] = Watcher("archive", "deploy_app", "download", "2024-06-10T06:29:20Z", WireFormat.CloudEventStructured);
        all["structured/machine-machines.json"] = Watcher("machines", "manager", "machines", "2024-06-10T06:30:20Z", WireFormat.CloudEventStructured);
        all["structured/machine-plugins.json"] = Watcher("plugins", "manager", "plugins", "2024-06-10T06:31:20Z", WireFormat.CloudEventStructured);
        all["structured/machine-ccm_manifest.json"] = Watcher("ccm_manifest", "ccm", "apply", "2024-06-10T06:32:20Z", WireFormat.CloudEventStructured);

        // A legacy-shaped machine body is accepted too; before 0.13 it carried nanoseconds.
        all["legacy/machine-transition.json"] = machine["transition"](WireFormat.Legacy);
        all["legacy/machine-transition-pre013-ns.json"] = new MachineTransitionEvent
        {
            Protocol = "io.choria.machine.v1.transition",
            Id = "01e72410-d734-4611-9485-8c6a2dd2579b",
            Identity = "dev1.example.net",
            MachineVersion = "1.0.0",
            Timestamp = At("2019-05-08T14:46:55.541Z"),
            Machine = "example",
            Format = WireFormat.Legacy,
            Transition = "enter_maintenance",
            FromState = "switched_on",
            ToState = "maintenance",
        };
    }

    private static WatcherStateEvent Watcher(string type, string machine, string name, string time, WireFormat format) => new()
    {
        Protocol = $"io.choria.machine.watcher.{type}.v1.state",
        Id = MachineInstance,
        Identity = "node1.example.net",
        MachineVersion = "1.0.0",
        Timestamp = At(time),
        Machine = machine,
        Format = format,
        WatcherType = type,
        Name = name,
    };
}
