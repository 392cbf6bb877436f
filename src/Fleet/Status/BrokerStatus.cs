using System.Collections.Immutable;

namespace ChoriaDashboard.Fleet.Status;

/// <summary>Connection states as the dashboard shows them.</summary>
public enum BrokerState
{
    Connecting,
    Connected,
    Reconnecting,
    Disconnected,
}

/// <summary>The broker connection's state, since when, and whether the subscriptions are in place.</summary>
public sealed record BrokerStatus(BrokerState State, DateTimeOffset Since, string? Server, int Subscriptions, int ExpectedSubscriptions, string? LastError)
{
    /// <summary>How the dashboard connects, in words: "plain", "TLS", "mutual TLS", "JWT over TLS", ...</summary>
    public string? Security { get; init; }

    /// <summary>A configuration the user should know about, e.g. that the broker's certificate is not verified.</summary>
    public string? Warning { get; init; }

    /// <summary>Why the last connection attempt failed, in words (certificate not trusted, authorization violation, ...).</summary>
    public string? Reason { get; init; }

    /// <summary>Subjects the broker refused to let us subscribe to, with its reason; they are retried.</summary>
    public ImmutableSortedDictionary<string, string> RefusedSubjects { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    public bool Ready => State == BrokerState.Connected && Subscriptions == ExpectedSubscriptions && ExpectedSubscriptions > 0 && RefusedSubjects.IsEmpty;
}
