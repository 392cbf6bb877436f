using ChoriaDashboard.Fleet.Status;

namespace ChoriaDashboard.Fleet;

/// <summary>
/// How the dashboard is doing, read at any moment: the broker connection, whether the view is current, the ingest's
/// counters. The same values reach subscribers of <see cref="IFleetView.Subscribe"/> with every update.
/// </summary>
public interface IFleetStatus
{
    /// <summary>The dashboard's connection to the broker, as the ingest last reported it.</summary>
    BrokerStatus Broker { get; }

    /// <summary>Whether the view can be trusted now: cut off from the broker, replaying history, missing events.</summary>
    ViewCurrency Currency { get; }

    /// <summary>Messages received, events accepted, rejections by reason.</summary>
    IIngestCounts Ingest { get; }

    /// <summary>Events waiting for the writer.</summary>
    int QueueLength { get; }

    /// <summary>When the newest accepted event was received; null before the first.</summary>
    DateTimeOffset? LatestEventAt { get; }

    /// <summary>
    /// Fleet subscriptions open now: one per page, control, live tail, hub feed or other reader of
    /// <see cref="IFleetView.Subscribe"/>. A closed browser tab gives its back when its circuit ends (at once when the
    /// page unloads, else after Blazor's disconnected-circuit retention), so a count that only grows is a leak.
    /// </summary>
    int FleetSubscriptions { get; }

    /// <summary>Times a fleet subscription fell behind and was handed a snapshot instead of its backlog, since start.</summary>
    long FleetSubscriptionLags { get; }
}
