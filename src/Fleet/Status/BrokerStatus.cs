namespace ChoriaDashboard.Fleet;

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
    public bool Ready => State == BrokerState.Connected && Subscriptions == ExpectedSubscriptions && ExpectedSubscriptions > 0;
}
