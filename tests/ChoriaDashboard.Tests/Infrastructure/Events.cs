using ChoriaDashboard.Events;

namespace ChoriaDashboard.Tests.Infrastructure;

/// <summary>Builders for typed events with sensible defaults, so a test names only what matters to it.</summary>
public static class TestEvents
{
    public static readonly DateTimeOffset Epoch = DateTimeOffset.FromUnixTimeSeconds(1_718_000_000);

    public static StartupEvent Startup(string identity, string version = "0.29.4", string component = "server") => new()
    {
        Protocol = "io.choria.lifecycle.v1.startup",
        Id = Guid.NewGuid().ToString(),
        Identity = identity,
        Component = component,
        Timestamp = Epoch,
        Version = version,
    };

    public static AliveEvent Alive(string identity, string version = "0.29.4", string component = "server", string? id = null) => new()
    {
        Protocol = "io.choria.lifecycle.v1.alive",
        Id = id ?? Guid.NewGuid().ToString(),
        Identity = identity,
        Component = component,
        Timestamp = Epoch,
        Version = version,
    };

    public static ShutdownEvent Shutdown(string identity, string component = "server") => new()
    {
        Protocol = "io.choria.lifecycle.v1.shutdown",
        Id = Guid.NewGuid().ToString(),
        Identity = identity,
        Component = component,
        Timestamp = Epoch,
    };

    public static ProvisionedEvent Provisioned(string identity, string component = "provision_mode_server") => new()
    {
        Protocol = "io.choria.lifecycle.v1.provisioned",
        Id = Guid.NewGuid().ToString(),
        Identity = identity,
        Component = component,
        Timestamp = Epoch,
    };

    public static UpgradedEvent Upgraded(string identity, string from, string to, string component = "server") => new()
    {
        Protocol = "io.choria.lifecycle.v1.upgraded",
        Id = Guid.NewGuid().ToString(),
        Identity = identity,
        Component = component,
        Timestamp = Epoch,
        Version = from,
        NewVersion = to,
    };

    public static GovernorEvent Governor(string identity, string governor = "PUPPET", string eventType = "enter") => new()
    {
        Protocol = "io.choria.lifecycle.v1.governor",
        Id = Guid.NewGuid().ToString(),
        Identity = identity,
        Component = "CLI",
        Timestamp = Epoch,
        Governor = governor,
        Sequence = 7,
        EventTypeName = eventType,
    };

    public static MachineTransitionEvent Transition(string identity, string machine, string from, string to, string transition) => new()
    {
        Protocol = "io.choria.machine.v1.transition",
        Id = "6090c06d-eacf-42d9-89bd-4accbe2ed7b1",
        Identity = identity,
        Timestamp = Epoch,
        Machine = machine,
        MachineVersion = "1.0.0",
        Transition = transition,
        FromState = from,
        ToState = to,
    };

    public static NagiosWatcherState Nagios(string identity, string machine, int code, string output = "OK: fine") => new()
    {
        Protocol = "io.choria.machine.watcher.nagios.v1.state",
        Id = "6090c06d-eacf-42d9-89bd-4accbe2ed7b1",
        Identity = identity,
        Timestamp = Epoch,
        Machine = machine,
        MachineVersion = "1.0.0",
        WatcherType = "nagios",
        Name = "check",
        Plugin = "/usr/lib64/nagios/plugins/check_procs",
        Status = code switch { 0 => "OK", 1 => "WARNING", 2 => "CRITICAL", _ => "UNKNOWN" },
        StatusCode = code,
        Output = output,
        CheckTime = Epoch,
        RuntimeSeconds = 0.01,
        PerfData = [new NagiosPerfData("procs", 1, "")],
    };
}
