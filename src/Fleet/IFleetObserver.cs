using ChoriaDashboard.Events;

namespace ChoriaDashboard.Fleet;

/// <summary>
/// Told by the fleet writer, exactly once each, of every live event it applied, every node it judged dead while live,
/// and by the ingest counters of every message rejected: what a counter must see whole, where the stream of updates may
/// drop a reader's backlog. Replayed history is not told. Calls come from the writer's loop (and, for rejections, from
/// the ingest loops): an implementation must be quick, thread-safe and must not throw.
/// </summary>
public interface IFleetObserver
{
    /// <summary>
    /// A live event the writer accepted into the fleet (or counted, for governor events). <paramref name="handling"/> is
    /// the time the writer spent applying this one event to the fleet's tables, in <see cref="System.Diagnostics.Stopwatch"/>
    /// ticks (<see cref="System.Diagnostics.Stopwatch.Frequency"/> per second).
    /// </summary>
    void Applied(ChoriaEvent evt, long handling);

    /// <summary>A node of <paramref name="component"/> turned dead (went silent past its dead threshold) while this process listened.</summary>
    void NodeDied(string component);

    /// <summary>A message rejected for <paramref name="reason"/> on <paramref name="subject"/> (the NATS subject it arrived on).</summary>
    void Rejected(RejectionReason reason, string subject);
}
