using ChoriaDashboard.Fleet;

namespace ChoriaDashboard.Components.Wall;

/// <summary>
/// Whether the numbers on the board are current: false while the dashboard cannot be receiving every event, so the
/// board says so instead of showing old numbers as if they were current.
/// </summary>
/// <param name="IsCurrent">True while events flow in as they happen.</param>
/// <param name="NotCurrentSince">Since when they do not; null while current.</param>
/// <param name="Reason">Why, in a few words (<c>broker disconnected</c>); null while current.</param>
public sealed record WallCurrency(bool IsCurrent, DateTimeOffset? NotCurrentSince, string? Reason)
{
    public static readonly WallCurrency Current = new(true, null, null);

    /// <summary>
    /// The board's one source for "not current". Today it is judged from the broker connection: not connected, or a
    /// subscription missing or refused. (When the fleet reader reports its own currency, replay included, read it here.)
    /// </summary>
    public static WallCurrency From(IFleetReader fleet)
    {
        var broker = fleet.Broker;
        if (broker.Ready)
        {
            return Current;
        }

        var reason = broker.State switch
        {
            BrokerState.Connecting => "connecting to the broker",
            BrokerState.Reconnecting => "broker connection lost, reconnecting",
            BrokerState.Disconnected => "broker disconnected",
            _ when !broker.RefusedSubjects.IsEmpty => $"broker refused {broker.RefusedSubjects.Count} subscription(s)",
            _ => $"subscribing ({broker.Subscriptions} of {broker.ExpectedSubscriptions})",
        };
        return new WallCurrency(false, broker.Since, reason);
    }
}
