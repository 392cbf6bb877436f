using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;

namespace ChoriaDashboard.Fleet;

/// <summary>
/// One item of the fleet's one stream (<see cref="IFleetView.Subscribe"/>): everything a reader needs to know of one
/// writer batch, or, as a snapshot, of the fleet now. Immutable and shared by every subscriber.
/// </summary>
/// <remarks>
/// A snapshot (<see cref="IsSnapshot"/>) comes first on every subscription and again after a reader fell behind: its
/// change lists are empty, and the reader rebuilds what it shows from <see cref="Summary"/> and the fleet view.
/// </remarks>
public sealed record FleetUpdate
{
    /// <summary>The summary's revision: one more per writer batch.</summary>
    public long Revision => Summary.Revision;

    /// <summary>The fleet in numbers after this batch, with its currency (<see cref="FleetSummary.Currency"/>).</summary>
    public required FleetSummary Summary { get; init; }

    /// <summary>The broker connection as of this batch.</summary>
    public required BrokerStatus Broker { get; init; }

    /// <summary>Whether the view is current, replay progress, deaf time: <see cref="FleetSummary.Currency"/>.</summary>
    public ViewCurrency Currency => Summary.Currency;

    /// <summary>True for the state as a whole (first item, and after falling behind); false for one batch's changes.</summary>
    public bool IsSnapshot { get; init; }

    /// <summary>
    /// A snapshot handed to a subscriber that fell behind (or after the writer could not publish a batch): the changes
    /// and news in between are lost to it. A reader that counts news (metrics) or acts on it (webhooks) must say so.
    /// </summary>
    public bool Resynchronised { get; init; }

    /// <summary>The broker status or the currency changed with this batch.</summary>
    public bool StatusChanged { get; init; }

    /// <summary>
    /// Nodes added or changed (state, version, or just last seen), newest snapshot of each, once per batch: first those
    /// changed in more than their live activity, then the last <see cref="HeardOnlyCount"/>, only heard again.
    /// </summary>
    public IReadOnlyList<NodeSnapshot> ChangedNodes { get; init; } = [];

    /// <summary>
    /// How many of <see cref="ChangedNodes"/>, at its end, were only heard again: an alive from a node live on that
    /// version, which moved nothing but its last-seen time and cadence count (the commonest event by far). A reader that
    /// follows only real changes (the hub) reads the first <c>ChangedNodes.Count - HeardOnlyCount</c>.
    /// </summary>
    public int HeardOnlyCount { get; init; }

    /// <summary>Nodes forgotten (silent past <c>ForgetAfter</c>, or a finished provisioning entry).</summary>
    public IReadOnlyList<NodeKey> RemovedNodes { get; init; } = [];

    /// <summary>Identities whose machines or checks changed (or were forgotten).</summary>
    public IReadOnlyList<MachineHost> ChangedMachines { get; init; } = [];

    /// <summary>What happened in this batch, in order, each flagged live or replayed.</summary>
    public IReadOnlyList<FleetNews> News { get; init; } = [];

    /// <summary>
    /// For subscriptions that asked for events: the events accepted in this batch in the order applied; in a snapshot,
    /// the newest accepted events (at most <c>Fleet:EventFeedLength</c>), oldest first. Empty for other subscriptions.
    /// </summary>
    public IReadOnlyList<TailEvent> Events { get; init; } = [];
}
