using ChoriaDashboard.Events;
using static ChoriaDashboard.Tests.Ingest.GoldenExpectations;

namespace ChoriaDashboard.Tests.Ingest;

/// <summary>The golden lifecycle events: each in all three wire shapes, the governor's other event types, and go-choria's own testdata.</summary>
internal static class GoldenLifecycleExpectations
{
    public static void AddTo(Dictionary<string, ChoriaEvent> all)
    {
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
    }
}
