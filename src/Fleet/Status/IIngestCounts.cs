namespace ChoriaDashboard.Fleet.Status;

/// <summary>The ingest counters as readers see them: read-only, each figure read whole.</summary>
public interface IIngestCounts
{
    /// <summary>Events the fleet writer took: they changed a node or machine, or were counted (governor).</summary>
    long Accepted { get; }

    /// <summary>
    /// Replayed events taken but superseded: older than what the fleet already knew of their node, machine or watcher,
    /// so they changed nothing (not counted in <see cref="Accepted"/>).
    /// </summary>
    long Superseded => 0;

    /// <summary>Messages rejected, whatever the reason.</summary>
    long TotalRejected { get; }

    /// <summary>Rejections by reason, every reason present (0 when none).</summary>
    IReadOnlyDictionary<Events.RejectionReason, long> RejectedByReason { get; }

    /// <summary>Messages received per subscription subject pattern.</summary>
    IReadOnlyDictionary<string, long> ReceivedBySubscription { get; }
}
