using ChoriaDashboard.Events;

namespace ChoriaDashboard.Fleet.Model;

/// <summary>One entry of a node's recent history: what arrived and when we received it (24 bytes).</summary>
public readonly struct NodeHistoryEntry : IEquatable<NodeHistoryEntry>
{
    private readonly long _receivedAtUtcTicks;

    public NodeHistoryEntry(DateTimeOffset receivedAt, LifecycleEventType type, WireFormat format, string? detail)
    {
        _receivedAtUtcTicks = receivedAt.UtcTicks;
        Type = type;
        Format = format;
        Detail = detail;
    }

    public DateTimeOffset ReceivedAt => new(_receivedAtUtcTicks, TimeSpan.Zero);

    public LifecycleEventType Type { get; }

    public WireFormat Format { get; }

    /// <summary>The version for startup and alive; "old → new" for upgraded; null otherwise.</summary>
    public string? Detail { get; }

    public bool Equals(NodeHistoryEntry other) =>
        _receivedAtUtcTicks == other._receivedAtUtcTicks && Type == other.Type && Format == other.Format && Detail == other.Detail;

    public override bool Equals(object? obj) => obj is NodeHistoryEntry other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_receivedAtUtcTicks, Type, Format, Detail);

    public static bool operator ==(NodeHistoryEntry left, NodeHistoryEntry right) => left.Equals(right);

    public static bool operator !=(NodeHistoryEntry left, NodeHistoryEntry right) => !left.Equals(right);

    public override string ToString() => $"{ReceivedAt:O} {Type} {Format} {Detail}";
}
