namespace ChoriaDashboard.Events;

/// <summary>
/// Choria's wire names in one place: protocol strings, CloudEvents sources, NATS subjects, and the components the
/// fleet has rules for. Used by the decoder, the encoder, the demo fleet, the tests and the benchmarks.
/// </summary>
/// <remarks>Source: go-choria <c>lifecycle/*.go</c>, <c>aagent/machine/notifications.go</c>,
/// <c>aagent/watchers/event/event.go</c>; summarised in <c>shared/docs/choria-events.md</c> sections 1–3.</remarks>
public static class ChoriaProtocol
{
    /// <summary>Every Choria protocol, CloudEvents type and CloudEvents source starts with this.</summary>
    public const string Prefix = "io.choria.";

    /// <summary><c>io.choria.lifecycle.v1.&lt;type&gt;</c>: a lifecycle event's protocol, and its CloudEvents type.</summary>
    public const string LifecyclePrefix = "io.choria.lifecycle.v1.";

    /// <summary><c>choria:lifecycle:&lt;type&gt;:1</c>: the pre-2019 spelling the schemas still allow.</summary>
    public const string LegacyLifecyclePrefix = "choria:lifecycle:";

    public const string Startup = LifecyclePrefix + "startup";
    public const string Shutdown = LifecyclePrefix + "shutdown";
    public const string Alive = LifecyclePrefix + "alive";
    public const string Provisioned = LifecyclePrefix + "provisioned";
    public const string Upgraded = LifecyclePrefix + "upgraded";
    public const string Governor = LifecyclePrefix + "governor";

    /// <summary>A machine transition's protocol.</summary>
    public const string Transition = "io.choria.machine.v1.transition";

    /// <summary><c>io.choria.machine.watcher.&lt;watcher type&gt;.v1.state</c>: a watcher state's protocol.</summary>
    public const string WatcherPrefix = "io.choria.machine.watcher.";

    /// <summary>The end of a watcher state's protocol.</summary>
    public const string WatcherSuffix = ".v1.state";

    /// <summary>A nagios (Scout) check's state.</summary>
    public const string NagiosState = WatcherPrefix + WatcherTypes.Nagios + WatcherSuffix;

    /// <summary>The CloudEvents <c>source</c> of lifecycle events.</summary>
    public const string LifecycleSource = "io.choria.lifecycle";

    /// <summary>The CloudEvents <c>source</c> of machine transitions and watcher states.</summary>
    public const string MachineSource = "io.choria.machine";

    /// <summary>The protocol of a lifecycle event of <paramref name="type"/>.</summary>
    public static string Lifecycle(LifecycleEventType type) => LifecyclePrefix + TypeName(type);

    /// <summary>The protocol of a state of a watcher of <paramref name="watcherType"/> (nagios, exec, …).</summary>
    public static string WatcherState(string watcherType) => WatcherPrefix + watcherType + WatcherSuffix;

    /// <summary>A lifecycle type as spelled in protocols and subjects: <c>startup</c>, <c>alive</c>, …</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not one of the six types.</exception>
    public static string TypeName(LifecycleEventType type) => type switch
    {
        LifecycleEventType.Startup => "startup",
        LifecycleEventType.Shutdown => "shutdown",
        LifecycleEventType.Alive => "alive",
        LifecycleEventType.Provisioned => "provisioned",
        LifecycleEventType.Upgraded => "upgraded",
        LifecycleEventType.Governor => "governor",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}

/// <summary>The NATS subjects Choria publishes events on (<c>shared/docs/choria-events.md</c> section 1).</summary>
public static class ChoriaSubjects
{
    /// <summary><c>choria.lifecycle.event.&lt;type&gt;.&lt;component&gt;</c>.</summary>
    public const string LifecyclePrefix = "choria.lifecycle.event.";

    /// <summary>Every lifecycle event.</summary>
    public const string AllLifecycle = "choria.lifecycle.event.>";

    /// <summary>Every machine transition.</summary>
    public const string Transition = "choria.machine.transition";

    /// <summary>Every watcher state, one subject per watcher type.</summary>
    public const string AllWatcherStates = "choria.machine.watcher.*.state";

    /// <summary>The subject of a lifecycle event of <paramref name="type"/> from <paramref name="component"/>.</summary>
    public static string Lifecycle(LifecycleEventType type, string component) =>
        LifecyclePrefix + ChoriaProtocol.TypeName(type) + "." + component;

    /// <summary>Every lifecycle event of one component: <c>choria.lifecycle.event.*.&lt;component&gt;</c>.</summary>
    public static string LifecycleOf(string component) => LifecyclePrefix + "*." + component;

    /// <summary>True when <paramref name="text"/> can be one token of a NATS subject: non-empty, no dot, wildcard or space.</summary>
    public static bool IsSubjectToken(string text) =>
        text.Length > 0 && !text.AsSpan().ContainsAny(NotInToken);

    private static readonly System.Buffers.SearchValues<char> NotInToken = System.Buffers.SearchValues.Create(". *>\t\r\n");

    /// <summary>The subject of a state of a watcher of <paramref name="watcherType"/>.</summary>
    public static string WatcherState(string watcherType) => "choria.machine.watcher." + watcherType + ".state";
}

/// <summary>The JetStream streams Choria Streams keeps events in (24 hours by default), and the subjects they take.</summary>
public static class ChoriaStreams
{
    /// <summary>Lifecycle events.</summary>
    public const string Events = "CHORIA_EVENTS";

    /// <summary>What <see cref="Events"/> takes.</summary>
    public const string EventsSubjects = "choria.lifecycle.>";

    /// <summary>Autonomous agent machine transitions and watcher states.</summary>
    public const string Machine = "CHORIA_MACHINE";

    /// <summary>What <see cref="Machine"/> takes.</summary>
    public const string MachineSubjects = "choria.machine.>";
}

/// <summary>Components with rules of their own in the fleet view.</summary>
public static class ChoriaComponents
{
    /// <summary>A Choria server running normally.</summary>
    public const string Server = "server";

    /// <summary>A Choria server in provisioning mode; it shuts down and starts again as <see cref="Server"/>.</summary>
    public const string ProvisionModeServer = "provision_mode_server";

    /// <summary>A Choria server run as a service host (<c>choria server run --service-host</c>), beside the server on the same identity.</summary>
    public const string ServiceHost = "service_host";

    /// <summary>The provisioner: it announces its startup only, never alive.</summary>
    public const string Provisioner = "provisioner";
}

/// <summary>The watcher types Choria ships (go-choria <c>aagent/watchers</c>).</summary>
public static class WatcherTypes
{
    public const string Nagios = "nagios";

    /// <summary>Every watcher type Choria has shipped since 0.13, homekit excepted (removed in 0.30).</summary>
    public static readonly IReadOnlyList<string> All =
        [Nagios, "exec", "file", "schedule", "timer", "metric", "gossip", "kv", "httpswitch", "expression", "archive", "machines", "plugins", "ccm_manifest"];
}
