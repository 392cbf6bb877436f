using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Rules;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Fleet.Store;
using ChoriaDashboard.TestKit;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>Builds events as the decoder would hand them to the fleet.</summary>
internal static class Ev
{
    /// <summary>The sender's timestamp; deliberately constant, since alive events repeat it.</summary>
    public static readonly DateTimeOffset SenderTime = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public const string Server = ChoriaComponents.Server;
    public const string ProvisionModeServer = ChoriaComponents.ProvisionModeServer;
    public const string Provisioner = ChoriaComponents.Provisioner;

    // Thin names over the shared builders in ChoriaDashboard.TestKit, with the fleet tests' sender time.
    public static StartupEvent Startup(string identity, string version, string component = Server, string? id = null) =>
        TestEvents.Startup(identity, version, component, id) with { Timestamp = SenderTime };

    public static AliveEvent Alive(string identity, string version, string component = Server, string? id = null) =>
        TestEvents.Alive(identity, version, component, id) with { Timestamp = SenderTime };

    public static ShutdownEvent Shutdown(string identity, string component = Server) =>
        TestEvents.Shutdown(identity, component) with { Timestamp = SenderTime };

    public static ProvisionedEvent Provisioned(string identity, string component = ProvisionModeServer) =>
        TestEvents.Provisioned(identity, component) with { Timestamp = SenderTime };

    public static UpgradedEvent Upgraded(string identity, string version, string newVersion, string component = Server) =>
        TestEvents.Upgraded(identity, version, newVersion, component) with { Timestamp = SenderTime };

    public static GovernorEvent Governor(string identity, string governor, string eventType, string component = Server) =>
        TestEvents.Governor(identity, governor, eventType, component, sequence: 1) with { Timestamp = SenderTime };

    public static MachineTransitionEvent Transition(string identity, string machine, string from, string to, string transition, string machineVersion = "1.0.0") =>
        TestEvents.Transition(identity, machine, from, to, transition, instance: "machine-instance-" + machine) with
        {
            MachineVersion = machineVersion,
            Timestamp = SenderTime,
        };

    public static NagiosWatcherState Nagios(string identity, string machine, string check, int statusCode) =>
        TestEvents.Nagios(identity, machine, statusCode, "check output", check, instance: "machine-instance-" + machine) with
        {
            Plugin = "/usr/lib64/nagios/plugins/" + check,
            CheckTime = SenderTime,
            Timestamp = SenderTime,
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
    public FleetUpdate TakeChanges()
    {
        var changes = Changes.ToUpdate(Summary(), new BrokerStatus(BrokerState.Connected, Now, null, 3, 3, null), statusChanged: false, events: []);
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
