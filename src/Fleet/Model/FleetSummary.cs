using System.Collections.Immutable;
using ChoriaDashboard.Fleet.Status;

namespace ChoriaDashboard.Fleet.Model;

/// <summary>The whole fleet in numbers: immutable, replaced after every writer batch.</summary>
/// <param name="Revision">Counts writer batches published (updates): 0 before the first, one more with each.</param>
/// <param name="NodeListRevision">
/// Changes only when a node is added or removed, or its state or version changes: what node lists filter
/// and sort on. An alive that only refreshes the last-seen time leaves it as it is.
/// </param>
public sealed record FleetSummary(
    long Revision,
    DateTimeOffset AsOf,
    ImmutableArray<ComponentSummary> Components,
    int Machines,
    HealthSummary Health,
    long NodeListRevision = 0)
{
    public static readonly FleetSummary Empty = new(0, DateTimeOffset.MinValue, [], 0, HealthSummary.Empty);

    /// <summary>Whether the view is current (see <see cref="ViewCurrency"/>) as of this summary.</summary>
    public ViewCurrency Currency { get; init; } = ViewCurrency.Current;

    /// <summary>New nodes turned away at <c>Fleet:MaxNodes</c> lately (see <see cref="Status.TurnedAway"/>); null when none.</summary>
    public TurnedAway? TurnedAway { get; init; }

    public int TotalNodes => Components.Sum(c => c.Total);

    public int Count(NodeState state) => Components.Sum(c => c.Count(state));
}
