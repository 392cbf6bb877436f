namespace ChoriaDashboard.Fleet;

/// <summary>The ingest counters as readers see them: read-only, each figure read whole.</summary>
public interface IIngestCounts
{
    /// <summary>Events the fleet writer took: they changed a node or machine, or were counted (governor).</summary>
    long Accepted { get; }

    /// <summary>Messages rejected, whatever the reason.</summary>
    long TotalRejected { get; }

    /// <summary>Rejections by reason, every reason present (0 when none).</summary>
    IReadOnlyDictionary<Events.RejectionReason, long> RejectedByReason { get; }

    /// <summary>Messages received per subscription subject pattern.</summary>
    IReadOnlyDictionary<string, long> ReceivedBySubscription { get; }
}
