using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Fleet.Store;

namespace ChoriaDashboard.Fleet;

/// <summary>
/// The read side of the fleet: all that pages, endpoints and health checks use. Everything it hands out is read-only:
/// immutable, or (the node table, node activity, machine entries, counters) safe to read while the writer moves it forward.
/// </summary>
public interface IFleetReader
{
    /// <summary>The summary after the latest change batch.</summary>
    FleetSummary Summary { get; }

    /// <summary>Every node now; a live view, safe to enumerate while the writer works.</summary>
    IReadOnlyDictionary<NodeKey, NodeSnapshot> Nodes { get; }

    /// <summary>Autonomous agent machines per identity.</summary>
    IReadOnlyDictionary<string, MachineHost> Machines { get; }

    /// <summary>Governor events counted by governor and event type (at most <c>Fleet:MaxGovernorCounters</c> pairs).</summary>
    IReadOnlyDictionary<(string Governor, string Event), long> GovernorCounts { get; }

    /// <summary>The newest governor events, oldest first, at most <c>Fleet:GovernorHistoryLength</c>; slot holders as sent.</summary>
    IReadOnlyList<GovernorHistoryEntry> GovernorHistory { get; }

    /// <summary>The dashboard's connection to the broker, as the ingest last reported it.</summary>
    BrokerStatus Broker { get; }

    /// <summary>Raised after <see cref="Broker"/> changes, on the reporting thread; handlers must not block.</summary>
    event Action<BrokerStatus>? BrokerChanged;

    /// <summary>
    /// Whether the view can be trusted now: cut off from the broker, replaying history, missing events. The one place
    /// readers learn it; a change is also published as a change batch (<see cref="FleetSummary.Currency"/>).
    /// </summary>
    ViewCurrency Currency => ViewCurrency.Current;

    /// <summary>Raised after <see cref="Currency"/> changes, on the reporting thread; handlers must not block.</summary>
    event Action<ViewCurrency>? CurrencyChanged
    {
        add { }
        remove { }
    }

    /// <summary>Messages received, events accepted, rejections by reason.</summary>
    IIngestCounts Ingest { get; }

    /// <summary>Events waiting for the writer.</summary>
    int QueueLength { get; }

    // ---- Over time: the overview's chart, feed and status bar ----

    /// <summary>
    /// The fleet's counts over time, oldest first: one sample per <c>Fleet:SeriesInterval</c> (taken by the writer),
    /// at most <c>Fleet:SeriesLength</c>. Immutable.
    /// </summary>
    IReadOnlyList<FleetSample> Series { get; }

    /// <summary>The newest notable changes (died, came back, upgraded, stopped, check turned critical), newest first, at most <c>Fleet:NotableChangesLength</c>. Immutable.</summary>
    IReadOnlyList<NotableChange> NotableChanges { get; }

    /// <summary>When the newest accepted event was received; null before the first.</summary>
    DateTimeOffset? LatestEventAt { get; }

    /// <summary>The current summary plus a stream of change batches from now on. Dispose to unsubscribe.</summary>
    FleetSubscription Subscribe();

    // ---- Event tail and raw events (node detail, /events) ----

    /// <summary>
    /// The newest accepted events (at most <c>Fleet:EventFeedLength</c>) and every accepted event from now on, in the
    /// order the writer applied them. A subscriber further behind than <c>Fleet:EventFeedSubscriberBuffer</c> loses
    /// events (counted); the writer never waits for it. Dispose to unsubscribe.
    /// </summary>
    EventFeedSubscription SubscribeEvents();

    /// <summary>The message captured as <paramref name="id"/> (a <see cref="TailEvent.RawId"/>), exactly as received, or why it is not there.</summary>
    RawEventLookup FindRawEvent(long id);

    /// <summary>The message <paramref name="identity"/> sent that was received at <paramref name="receivedAt"/> (a history entry's, transition's or check state's receipt time).</summary>
    RawEventLookup FindRawEvent(string identity, DateTimeOffset receivedAt);
}
