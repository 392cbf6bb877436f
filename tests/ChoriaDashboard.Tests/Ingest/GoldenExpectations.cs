using System.Collections.Immutable;
using System.Globalization;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Tests.Ingest;

/// <summary>
/// What the decoder must produce for each golden file, written out by hand from the Choria wire reference
/// (docs/choria-events.md in the shared folder). One entry per file in <c>Golden/{legacy,structured,binary,upstream}</c>.
/// </summary>
internal static class GoldenExpectations
{
    private const string MachineInstance = "6090c06d-eacf-42d9-89bd-4accbe2ed7b1";

    public static IReadOnlyDictionary<string, ChoriaEvent> All { get; } = Build();

    public static DateTimeOffset At(string utc) =>
        DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static Dictionary<string, ChoriaEvent> Build()
    {
        var all = new Dictionary<string, ChoriaEvent>(StringComparer.Ordinal);

        // Lifecycle: the same event in all three shapes.
        var lifecycle = new Dictionary<string, Func<WireFormat, ChoriaEvent>>(StringComparer.Ordinal)
        {
            ["startup"] = f => new StartupEvent
            {
                Protocol = "io.choria.lifecycle.v1.startup",
                Id = "d4ad7eeb-970c-4084-b601-0ebc0cf03ef2",
                Identity = "node1.example.net",
                Component = "server",
                Timestamp = At("2024-06-10T06:13:20Z"),
                Format = f,
                Version = "0.29.4",
            },
            ["shutdown"] = f => new ShutdownEvent
            {
                Protocol = "io.choria.lifecycle.v1.shutdown",
                Id = "d77ec970-162c-45a2-9864-22fc20036309",
                Identity = "node1.example.net",
                Component = "server",
                Timestamp = At("2024-06-10T07:13:20Z"),
                Format = f,
            },
            ["alive"] = f => new AliveEvent
            {
                Protocol = "io.choria.lifecycle.v1.alive",
                Id = "97a1e885-a3ca-4a67-ad20-00a8821c016a",
                Identity = "node1.example.net",
                Component = "server",
                Timestamp = At("2024-06-10T06:13:20Z"),
                Format = f,
                Version = "0.29.4",
            },
            ["provisioned"] = f => new ProvisionedEvent
            {
                Protocol = "io.choria.lifecycle.v1.provisioned",
                Id = "62edc0d3-cf67-407f-b5b9-da282946b64d",
                Identity = "node2.example.net",
                Component = "provision_mode_server",
                Timestamp = At("2024-06-10T06:14:02Z"),
                Format = f,
            },
            ["upgraded"] = f => new UpgradedEvent
            {
                Protocol = "io.choria.lifecycle.v1.upgraded",
                Id = "f06971cb-2ad5-42d2-ab14-23d223855b69",
                Identity = "node1.example.net",

                // release_update runs only in provisioning mode: a real upgraded event never comes from "server".
                Component = "provision_mode_server",
                Timestamp = At("2024-06-10T06:16:00Z"),
                Format = f,
                Version = "0.29.3",
                NewVersion = "0.29.4",
            },
            ["governor"] = f => new GovernorEvent
            {
                Protocol = "io.choria.lifecycle.v1.governor",
                Id = "9a9251f1-5a13-4390-a165-69eed9cad889",
                Identity = "node3.example.net",
                Component = "CLI",
                Timestamp = At("2024-06-10T06:15:00Z"),
                Format = f,
                Governor = "PUPPET",
                Sequence = 2421,
                EventTypeName = "enter",
            },
        };
        foreach (var (name, make) in lifecycle)
        {
            all[$"legacy/{name}.json"] = make(WireFormat.Legacy);
            all[$"structured/{name}.json"] = make(WireFormat.CloudEventStructured);
            all[$"binary/{name}.json"] = make(WireFormat.CloudEventBinary);
        }

        all["legacy/governor-timeouts.json"] = new GovernorEvent
        {
            Protocol = "io.choria.lifecycle.v1.governor",
            Id = "0f3cbb4e-51a8-4a83-9b4a-7f5d0c2b1e11",
            Identity = "node4.example.net",
            Component = "puppet_runner",
            Timestamp = At("2024-06-10T06:20:00Z"),
            Format = WireFormat.Legacy,
            Governor = "PUPPET",
            Sequence = 0,
            EventTypeName = "timeouts",
        };
        all["structured/governor-eviction.json"] = new GovernorEvent
        {
            Protocol = "io.choria.lifecycle.v1.governor",
            Id = "5d2e8f0a-7c41-4b6e-9a53-2e1f4b7c9d80",
            Identity = "node3.example.net",
            Component = "CLI",
            Timestamp = At("2024-06-10T06:21:40Z"),
            Format = WireFormat.CloudEventStructured,
            Governor = "PUPPET",
            Sequence = 2421,
            EventTypeName = "eviction",
        };
        all["binary/governor-exit.json"] = new GovernorEvent
        {
            Protocol = "io.choria.lifecycle.v1.governor",
            Id = "a1b2c3d4-0000-4111-8222-933344455566",
            Identity = "node3.example.net",
            Component = "CLI",
            Timestamp = At("2024-06-10T06:16:40Z"),
            Format = WireFormat.CloudEventBinary,
            Governor = "PUPPET",
            Sequence = 2421,
            EventTypeName = "exit",
        };

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

        // Shapes real deployments send that the schemas and the documentation examples do not show
        // (shared/docs/choria-events.md, last section). Every one is accepted, none is bad input.
        RealShapes(all);

        // go-choria lifecycle/testdata, unchanged.
        all["upstream/choriaFormatShutdown.json"] = new ShutdownEvent
        {
            Protocol = "io.choria.lifecycle.v1.shutdown",
            Id = "cb6f1dbc-d65b-49b9-907e-e4a51bee75f8",
            Identity = "dev1.devco.net",
            Component = "server",
            Timestamp = At("2019-12-04T17:58:58Z"),
            Format = WireFormat.Legacy,
        };
        all["upstream/cloudEventFormatShutdown.json"] = new ShutdownEvent
        {
            Protocol = "io.choria.lifecycle.v1.shutdown",
            Id = "01e72410-d734-4611-9485-8c6a2dd2579b",
            Identity = "ginkgo.example.net",
            Component = "ginkgo",
            Timestamp = At("2018-08-24T10:36:13Z"),
            Format = WireFormat.CloudEventStructured,
        };

        return all;
    }

    private static void RealShapes(Dictionary<string, ChoriaEvent> all)
    {
        // A governor eviction names the evicted slot holder: for an autonomous agent, free text, not a host name.
        Func<WireFormat, GovernorEvent> governor = f => new GovernorEvent
        {
            Protocol = ChoriaProtocol.Governor,
            Id = "0c6f2d10-1111-4a2b-9c3d-5e6f7a8b9c0d",
            Identity = "Auto Agent  app_deploy#deploy @ web-7.example.net",
            Component = "app_deploy",
            Timestamp = At("2024-06-10T06:15:00Z"),
            Format = f,
            Governor = "APP_DEPLOY",
            Sequence = 42,
            EventTypeName = "evict",
        };
        all["legacy/real-governor-autonomous-agent.json"] = governor(WireFormat.Legacy);
        all["structured/real-governor-autonomous-agent.json"] = governor(WireFormat.CloudEventStructured);

        // Choria 0.16: history as bare status codes; its CloudEvents have no datacontenttype and sorted keys.
        all["structured/real-nagios-choria-0.16.json"] = new NagiosWatcherState
        {
            Protocol = ChoriaProtocol.NagiosState,
            Id = "8d1e2f3a-2222-4b5c-8d6e-7f8091a2b3c4",
            Identity = "mx-3.example.net",
            MachineVersion = "1.0.0",
            Timestamp = At("2020-05-20T18:40:00Z"),
            Machine = "check_mailq",
            Format = WireFormat.CloudEventStructured,
            WatcherType = WatcherTypes.Nagios,
            Name = "check",
            Plugin = "/usr/lib64/nagios/plugins/check_mailq -w 5 -c 10",
            Status = "CRITICAL",
            StatusCode = 2,
            Output = "CRITICAL: 14 messages in queue | unsent=14;5;10;0",
            CheckTime = At("2020-05-20T18:40:00Z"),
            RuntimeSeconds = 0.2,
            PerfData = [new NagiosPerfData("unsent", 14, "")],
            History = [new(null, 0), new(null, 0), new(null, 1), new(null, 2), new(null, 2)],
            Annotations = ImmutableDictionary<string, string>.Empty,
        };

        // Choria 0.15: no history and no annotations at all.
        all["structured/real-nagios-choria-0.15.json"] = new NagiosWatcherState
        {
            Protocol = ChoriaProtocol.NagiosState,
            Id = "9e2f3a4b-3333-4c6d-9e5f-8091a2b3c4d5",
            Identity = "mx-4.example.net",
            MachineVersion = "1.0.0",
            Timestamp = At("2020-01-26T00:53:20Z"),
            Machine = "check_ntp",
            Format = WireFormat.CloudEventStructured,
            WatcherType = WatcherTypes.Nagios,
            Name = "check",
            Plugin = "/usr/lib64/nagios/plugins/check_ntp_time -H pool.ntp.org",
            Status = "WARNING",
            StatusCode = 1,
            Output = "NTP WARNING: Offset 0.6 secs|offset=0.6s;0.5;1.0;",
            CheckTime = At("2020-01-26T00:53:20Z"),
            RuntimeSeconds = 0.31,
            PerfData = [new NagiosPerfData("offset", 0.6, "s")],
            History = [],
            Annotations = ImmutableDictionary<string, string>.Empty,
        };

        // Announced before the first check: NOTCHECKED / 5, empty plugin and output, null perfdata, Go's zero time.
        Func<WireFormat, NagiosWatcherState> notChecked = f => new NagiosWatcherState
        {
            Protocol = ChoriaProtocol.NagiosState,
            Id = "0a1b2c3d-4444-4d7e-8f90-a1b2c3d4e5f6",
            Identity = "web-9.example.net",
            MachineVersion = "1.0.0",
            Timestamp = At("2024-06-10T06:20:00Z"),
            Machine = "check_heartbeat",
            Format = f,
            WatcherType = WatcherTypes.Nagios,
            Name = "check",
            Plugin = "",
            Status = "NOTCHECKED",
            StatusCode = 5,
            Output = "",
            CheckTime = null,
            RuntimeSeconds = 0,
            PerfData = [],
            History = [],
            Annotations = ImmutableDictionary<string, string>.Empty,
        };
        all["structured/real-nagios-not-checked.json"] = notChecked(WireFormat.CloudEventStructured);
        all["binary/real-nagios-not-checked.json"] = notChecked(WireFormat.CloudEventBinary);

        all["structured/real-alive-choria-0.18.json"] = new AliveEvent
        {
            Protocol = ChoriaProtocol.Alive,
            Id = "7a5dbf62-ae41-4c9d-9387-5f6071829304",
            Identity = "old-1.example.net",
            Component = ChoriaComponents.Server,
            Timestamp = At("2020-09-13T12:26:40Z"),
            Format = WireFormat.CloudEventStructured,
            Version = "0.18.0",
        };

        // The Puppet module's Scout checks: upper-case machine states, kept as sent.
        Func<WireFormat, MachineTransitionEvent> scout = f => new MachineTransitionEvent
        {
            Protocol = ChoriaProtocol.Transition,
            Id = "1b2c3d4e-5555-4e8f-9a01-b2c3d4e5f607",
            Identity = "web-7.example.net",
            MachineVersion = "1.0.0",
            Timestamp = At("2024-06-10T06:21:40Z"),
            Machine = "check_httpd",
            Format = f,
            Transition = "CRITICAL",
            FromState = "OK",
            ToState = "CRITICAL",
        };
        all["structured/real-transition-scout-states.json"] = scout(WireFormat.CloudEventStructured);
        all["binary/real-transition-scout-states.json"] = scout(WireFormat.CloudEventBinary);

        Func<WireFormat, StartupEvent> serviceHost = f => new StartupEvent
        {
            Protocol = ChoriaProtocol.Startup,
            Id = "ad80e295-d174-4fc0-86ba-8293a4b5c637",
            Identity = "node1.example.net",
            Component = "service_host",
            Timestamp = At("2024-06-10T06:13:20Z"),
            Format = f,
            Version = "0.29.4",
        };
        all["legacy/real-startup-service-host.json"] = serviceHost(WireFormat.Legacy);
        all["structured/real-startup-service-host.json"] = serviceHost(WireFormat.CloudEventStructured);
        all["binary/real-startup-service-host.json"] = serviceHost(WireFormat.CloudEventBinary);

        all["legacy/real-startup-provisioner.json"] = new StartupEvent
        {
            Protocol = ChoriaProtocol.Startup,
            Id = "be91f3a6-e285-4ad1-97cb-93a4b5c6d748",
            Identity = "provisioner_signer",
            Component = ChoriaComponents.Provisioner,
            Timestamp = At("2024-06-10T06:13:30Z"),
            Format = WireFormat.Legacy,
            Version = "0.15.1",
        };

        // Choria 0.9: colon-style protocol and no id; read as a startup, its protocol normalised as go-choria does.
        all["legacy/real-startup-choria-0.9.json"] = new StartupEvent
        {
            Protocol = ChoriaProtocol.Startup,
            Id = "",
            Identity = "legacy-1.example.net",
            Component = ChoriaComponents.Server,
            Timestamp = At("2018-08-24T08:40:00Z"),
            Format = WireFormat.Legacy,
            Version = "0.5.1",
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
