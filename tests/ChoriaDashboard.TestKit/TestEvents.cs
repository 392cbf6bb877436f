using ChoriaDashboard.Events;

namespace ChoriaDashboard.TestKit;

/// <summary>
/// Typed Choria events as the decoder hands them on, with the shapes Choria really sends and sensible defaults, so a test
/// or benchmark names only what matters to it. Change one with <c>with { … }</c>.
/// </summary>
public static class TestEvents
{
    /// <summary>A sender timestamp (2024-06-10T06:13:20Z). Alive events repeat the one of their process start.</summary>
    public static readonly DateTimeOffset Epoch = DateTimeOffset.FromUnixTimeSeconds(1_718_000_000);

    /// <summary>The machine instance id the builders use unless told otherwise.</summary>
    public const string MachineInstance = "6090c06d-eacf-42d9-89bd-4accbe2ed7b1";

    /// <summary>A numbered identity, <c>node000042.ams1.example.net</c>.</summary>
    public static string Identity(int i, string prefix = "node") => $"{prefix}{i:000000}.ams1.example.net";

    public static StartupEvent Startup(string identity, string version = "0.29.4", string component = ChoriaComponents.Server, string? id = null) => new()
    {
        Protocol = ChoriaProtocol.Startup,
        Id = id ?? Guid.NewGuid().ToString(),
        Identity = identity,
        Component = component,
        Timestamp = Epoch,
        Version = version,
    };

    public static AliveEvent Alive(string identity, string version = "0.29.4", string component = ChoriaComponents.Server, string? id = null) => new()
    {
        Protocol = ChoriaProtocol.Alive,
        Id = id ?? Guid.NewGuid().ToString(),
        Identity = identity,
        Component = component,
        Timestamp = Epoch,
        Version = version,
    };

    public static ShutdownEvent Shutdown(string identity, string component = ChoriaComponents.Server) => new()
    {
        Protocol = ChoriaProtocol.Shutdown,
        Id = Guid.NewGuid().ToString(),
        Identity = identity,
        Component = component,
        Timestamp = Epoch,
    };

    public static ProvisionedEvent Provisioned(string identity, string component = ChoriaComponents.ProvisionModeServer) => new()
    {
        Protocol = ChoriaProtocol.Provisioned,
        Id = Guid.NewGuid().ToString(),
        Identity = identity,
        Component = component,
        Timestamp = Epoch,
    };

    /// <summary>An upgrade announcement. Real ones come from <c>provision_mode_server</c>; some tests use other components.</summary>
    public static UpgradedEvent Upgraded(string identity, string from, string to, string component = ChoriaComponents.ProvisionModeServer) => new()
    {
        Protocol = ChoriaProtocol.Upgraded,
        Id = Guid.NewGuid().ToString(),
        Identity = identity,
        Component = component,
        Timestamp = Epoch,
        Version = from,
        NewVersion = to,
    };

    public static GovernorEvent Governor(string identity, string governor = "PUPPET", string eventType = "enter", string component = "CLI", ulong sequence = 7) => new()
    {
        Protocol = ChoriaProtocol.Governor,
        Id = Guid.NewGuid().ToString(),
        Identity = identity,
        Component = component,
        Timestamp = Epoch,
        Governor = governor,
        Sequence = sequence,
        EventTypeName = eventType,
    };

    public static MachineTransitionEvent Transition(string identity, string machine, string from, string to, string transition, string instance = MachineInstance) => new()
    {
        Protocol = ChoriaProtocol.Transition,
        Id = instance,
        Identity = identity,
        Timestamp = Epoch,
        Machine = machine,
        MachineVersion = "1.0.0",
        Transition = transition,
        FromState = from,
        ToState = to,
    };

    /// <summary>A nagios check's state; the status word follows the code (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).</summary>
    public static NagiosWatcherState Nagios(string identity, string machine, int code, string output = "OK: fine", string check = "check", string instance = MachineInstance) => new()
    {
        Protocol = ChoriaProtocol.NagiosState,
        Id = instance,
        Identity = identity,
        Timestamp = Epoch,
        Machine = machine,
        MachineVersion = "1.0.0",
        WatcherType = WatcherTypes.Nagios,
        Name = check,
        Plugin = "/usr/lib64/nagios/plugins/check_procs",
        Status = code switch { 0 => "OK", 1 => "WARNING", 2 => "CRITICAL", _ => "UNKNOWN" },
        StatusCode = code,
        Output = output,
        CheckTime = Epoch,
        RuntimeSeconds = 0.01,
        PerfData = [new NagiosPerfData("procs", 1, "")],
    };
}
