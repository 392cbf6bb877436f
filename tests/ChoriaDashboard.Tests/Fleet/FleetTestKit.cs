using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>Builds events as the decoder would hand them to the fleet.</summary>
internal static class Ev
{
    /// <summary>The sender's timestamp; deliberately constant, since alive events repeat it.</summary>
    public static readonly DateTimeOffset SenderTime = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public const string Server = "server";
    public const string ProvisionModeServer = "provision_mode_server";
    public const string Provisioner = "provisioner";

    public static StartupEvent Startup(string identity, string version, string component = Server, string? id = null) => new()
    {
        Protocol = "io.choria.lifecycle.v1.startup",
        Id = id ?? Guid.NewGuid().ToString(),
        Identity = identity,
        Timestamp = SenderTime,
        Component = component,
        Version = version,
    };

    public static AliveEvent Alive(string identity, string version, string component = Server, string? id = null) => new()
    {
        Protocol = "io.choria.lifecycle.v1.alive",
        Id = id ?? Guid.NewGuid().ToString(),
        Identity = identity,
        Timestamp = SenderTime,
        Component = component,
        Version = version,
    };

    public static ShutdownEvent Shutdown(string identity, string component = Server) => new()
    {
        Protocol = "io.choria.lifecycle.v1.shutdown",
        Id = Guid.NewGuid().ToString(),
        Identity = identity,
        Timestamp = SenderTime,
        Component = component,
    };

    public static ProvisionedEvent Provisioned(string identity, string component = ProvisionModeServer) => new()
    {
        Protocol = "io.choria.lifecycle.v1.provisioned",
        Id = Guid.NewGuid().ToString(),
        Identity = identity,
        Timestamp = SenderTime,
        Component = component,
    };

    public static UpgradedEvent Upgraded(string identity, string version, string newVersion, string component = Server) => new()
    {
        Protocol = "io.choria.lifecycle.v1.upgraded",
        Id = Guid.NewGuid().ToString(),
        Identity = identity,
        Timestamp = SenderTime,
        Component = component,
        Version = version,
        NewVersion = newVersion,
    };

    public static GovernorEvent Governor(string identity, string governor, string eventType, string component = Server) => new()
    {
        Protocol = "io.choria.lifecycle.v1.governor",
        Id = Guid.NewGuid().ToString(),
        Identity = identity,
        Timestamp = SenderTime,
        Component = component,
        Governor = governor,
        EventTypeName = eventType,
        Sequence = 1,
    };

    public static MachineTransitionEvent Transition(string identity, string machine, string from, string to, string transition, string machineVersion = "1.0.0") => new()
    {
        Protocol = "io.choria.machine.v1.transition",
        Id = "machine-instance-" + machine,
        Identity = identity,
        Timestamp = SenderTime,
        Machine = machine,
        MachineVersion = machineVersion,
        Transition = transition,
        FromState = from,
        ToState = to,
    };

    public static NagiosWatcherState Nagios(string identity, string machine, string check, int statusCode) => new()
    {
        Protocol = "io.choria.machine.watcher.nagios.v1.state",
        Id = "machine-instance-" + machine,
        Identity = identity,
        Timestamp = SenderTime,
        Machine = machine,
        MachineVersion = "1.0.0",
        WatcherType = "nagios",
        Name = check,
        Plugin = "/usr/lib64/nagios/plugins/" + check,
        Status = statusCode switch
        {
            0 => "OK",
            1 => "WARNING",
            2 => "CRITICAL",
            _ => "UNKNOWN",
        },
        StatusCode = statusCode,
        Output = "check output",
        CheckTime = SenderTime,
    };
}

/// <summary>A <see cref="FleetState"/> driven by a fake clock: events are received "now", sweeps run "now".</summary>
internal sealed class FleetHarness
{
    private long _version;

    public FleetHarness(FleetOptions? options = null)
    {
        Options = options ?? new FleetOptions();
        State = new FleetState(Options);
    }

    public FleetOptions Options { get; }

    public FleetState State { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));

    public FleetChangeSet Changes { get; } = new();

    public DateTimeOffset Now => Time.GetUtcNow();

    public ApplyOutcome Apply(ChoriaEvent evt) => State.Apply(evt, Now, Changes);

    public void Advance(TimeSpan by) => Time.Advance(by);

    public void AdvanceMinutes(double minutes) => Time.Advance(TimeSpan.FromMinutes(minutes));

    public void Sweep() => State.Sweep(Now, Changes);

    public FleetSummary Summary() => State.BuildSummary(++_version, Now);

    /// <summary>What a batch published now would carry; starts a new batch.</summary>
    public FleetChanges TakeChanges()
    {
        var changes = Changes.ToChanges(Summary());
        Changes.Clear();
        return changes;
    }

    public NodeSnapshot Node(string identity, string component = Ev.Server) => State.Nodes[new NodeKey(identity, component)];

    public bool Has(string identity, string component = Ev.Server) => State.Nodes.ContainsKey(new NodeKey(identity, component));

    public static ComponentSummary Component(FleetSummary summary, string component) =>
        Assert.Single(summary.Components, c => c.Component == component);

    public static VersionCount Version(ComponentSummary summary, string version) =>
        Assert.Single(summary.Versions, v => v.Version == version);
}
