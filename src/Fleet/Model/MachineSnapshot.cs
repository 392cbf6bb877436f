using System.Collections.Immutable;

namespace ChoriaDashboard.Fleet.Model;

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

    /// <summary>The newest transitions, oldest first, at most <c>Fleet:MachineTransitionHistory</c>.</summary>
    public ImmutableArray<MachineTransition> Transitions { get; init; } = [];
}

/// <summary>One transition of a machine.</summary>
/// <param name="ReceivedAt">When the dashboard received it (UTC); with the identity, it finds the raw event.</param>
public sealed record MachineTransition(DateTimeOffset ReceivedAt, string Transition, string FromState, string ToState);
