namespace ChoriaDashboard.Events;

/// <summary>The lifecycle event types Choria defines.</summary>
public enum LifecycleEventType : byte
{
    Startup,
    Shutdown,
    Alive,
    Provisioned,
    Upgraded,
    Governor,
}

/// <summary>What happened to a governor slot, as spelled on the wire.</summary>
public enum GovernorEventType : byte
{
    Unknown,

    /// <summary><c>enter</c>: obtained a slot.</summary>
    Enter,

    /// <summary><c>exit</c>: vacated a slot.</summary>
    Exit,

    /// <summary><c>timeouts</c>: could not obtain a slot.</summary>
    Timeout,

    /// <summary><c>eviction</c>: evicted by an administrator.</summary>
    Eviction,
}

/// <summary>A <c>choria.lifecycle.event.*</c> event: something that happened to a component on a node.</summary>
public abstract record LifecycleEvent : ChoriaEvent
{
    /// <summary><c>server</c>, <c>provision_mode_server</c>, <c>provisioner</c>, <c>CLI</c>, a machine name…</summary>
    public required string Component { get; init; }

    /// <summary>The type, taken from the protocol string, never from the subject.</summary>
    public abstract LifecycleEventType Type { get; }
}

/// <summary>A component started.</summary>
public sealed record StartupEvent : LifecycleEvent
{
    public required string Version { get; init; }

    public override LifecycleEventType Type => LifecycleEventType.Startup;
}

/// <summary>A component stopped gracefully.</summary>
public sealed record ShutdownEvent : LifecycleEvent
{
    public override LifecycleEventType Type => LifecycleEventType.Shutdown;
}

/// <summary>A component is still running (every 30 minutes; repeats its id and timestamp).</summary>
public sealed record AliveEvent : LifecycleEvent
{
    public required string Version { get; init; }

    public override LifecycleEventType Type => LifecycleEventType.Alive;
}

/// <summary>A node in provisioning mode was configured.</summary>
public sealed record ProvisionedEvent : LifecycleEvent
{
    public override LifecycleEventType Type => LifecycleEventType.Provisioned;
}

/// <summary>A component is about to restart into a new version.</summary>
public sealed record UpgradedEvent : LifecycleEvent
{
    public required string Version { get; init; }

    public required string NewVersion { get; init; }

    public override LifecycleEventType Type => LifecycleEventType.Upgraded;
}

/// <summary>A governor slot was obtained, vacated, timed out on or evicted.</summary>
public sealed record GovernorEvent : LifecycleEvent
{
    public required string Governor { get; init; }

    public ulong Sequence { get; init; }

    /// <summary>The raw <c>event_type</c> string, shown as sent.</summary>
    public required string EventTypeName { get; init; }

    /// <summary>
    /// What <see cref="EventTypeName"/> means. go-choria's constants are <c>enter</c>, <c>exit</c>, <c>timeouts</c> and
    /// <c>eviction</c>; evictions have also been seen spelled <c>evict</c>. Any other spelling is kept and counted as
    /// <see cref="GovernorEventType.Unknown"/>.
    /// </summary>
    public GovernorEventType EventType => EventTypeName switch
    {
        "enter" => GovernorEventType.Enter,
        "exit" => GovernorEventType.Exit,
        "timeouts" => GovernorEventType.Timeout,
        "eviction" or "evict" => GovernorEventType.Eviction,
        _ => GovernorEventType.Unknown,
    };

    public override LifecycleEventType Type => LifecycleEventType.Governor;
}
