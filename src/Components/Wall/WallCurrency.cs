using ChoriaDashboard.Fleet.Status;

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
    /// The board's one source for "not current": the fleet's own currency as the stream last told it (cut off from the
    /// broker, a subscription missing or refused, a replay running, messages dropped), with a replay's progress in words.
    /// </summary>
    public static WallCurrency From(ViewCurrency currency)
    {
        if (currency.IsCurrent)
        {
            return Current;
        }

        var reason = currency.Reason ?? "not receiving events";
        if (currency.Replay is { } replay)
        {
            reason = $"{reason}: {replay.Percent:0} %";
        }

        return new WallCurrency(false, currency.NotCurrentSince, reason);
    }
}
