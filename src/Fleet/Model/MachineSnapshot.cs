namespace ChoriaDashboard.Fleet;

/// <summary>What a machine last said about itself, apart from its watchers.</summary>
public sealed record MachineSnapshot
{
    public static readonly MachineSnapshot Unknown = new();

    public string? Version { get; init; }

    /// <summary>The id of the running machine instance (a machine event's id).</summary>
    public string? InstanceId { get; init; }

    /// <summary>The state after the last transition; null if only watcher states were seen.</summary>
    public string? State { get; init; }

    public string? LastTransition { get; init; }

    public DateTimeOffset? LastTransitionAt { get; init; }
}
