using System.Collections.Immutable;
using ChoriaDashboard.Events;
using static ChoriaDashboard.Tests.Ingest.GoldenExpectations;

namespace ChoriaDashboard.Tests.Ingest;

/// <summary>
/// The golden shapes real deployments send that the schemas and the documentation examples do not show
/// (shared/docs/choria-events.md, last section). Every one is accepted, none is bad input.
/// </summary>
internal static class GoldenRealShapeExpectations
{
    public static void AddTo(Dictionary<string, ChoriaEvent> all)
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
}
