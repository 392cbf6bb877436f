using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Fleet;

/// <summary>
/// The fleet view and its one stream of news: what every reader (pages, the wallboard, the event tail, the API, and
/// readers to come) uses to learn the fleet's state and what changes. Everything it hands out is read-only: immutable,
/// or (the node table, node activity, machine entries) safe to read while the writer moves it forward.
/// </summary>
public interface IFleetView
{
    /// <summary>The fleet in numbers after the latest writer batch.</summary>
    FleetSummary Summary { get; }

    /// <summary>Every node now; a live view, safe to enumerate while the writer works.</summary>
    IReadOnlyDictionary<NodeKey, NodeSnapshot> Nodes { get; }

    /// <summary>Autonomous agent machines per identity; a live view.</summary>
    IReadOnlyDictionary<string, MachineHost> Machines { get; }

    /// <summary>
    /// The fleet's counts over time, oldest first: one sample per <c>Fleet:SeriesInterval</c> (taken by the writer), at
    /// most <c>Fleet:SeriesLength</c>. Immutable.
    /// </summary>
    IReadOnlyList<FleetSample> Series { get; }

    /// <summary>
    /// The newest notable news (<see cref="FleetNews.IsNotable"/>: died, came back, upgraded, stopped, check critical),
    /// newest first, at most <c>Fleet:NotableChangesLength</c>; live and replayed. Immutable.
    /// </summary>
    IReadOnlyList<FleetNews> RecentNews { get; }

    /// <summary>
    /// The one stream out of the fleet: a snapshot of now (<see cref="BroadcastSubscription{T}.Initial"/>), then one
    /// <see cref="FleetUpdate"/> per writer batch: changed and removed nodes, changed machines, news flagged live or
    /// replayed, status changes. A reader further behind than <c>Fleet:SubscriberBufferSize</c> updates (a live tail also:
    /// <c>Fleet:EventFeedSubscriberBuffer</c> events) gets a fresh snapshot instead of its backlog, flagged
    /// <see cref="FleetUpdate.Resynchronised"/>; the writer never waits for it. Dispose to unsubscribe.
    /// </summary>
    /// <param name="withEvents">Also carry every accepted event (<see cref="FleetUpdate.Events"/>): for live tails.</param>
    BroadcastSubscription<FleetUpdate> Subscribe(bool withEvents = false);
}
