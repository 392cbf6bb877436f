using System.Collections.Immutable;

namespace ChoriaDashboard.Fleet.Model;

/// <summary>
/// The fleet's counts at one moment, one point of the series the overview charts (see <see cref="IFleetView.Series"/>).
/// Shares the summary's immutable component counts, so a sample costs one small object.
/// </summary>
/// <param name="At">When the writer took the sample.</param>
/// <param name="Components">Per component: counts by state and by version, as in that moment's summary.</param>
public sealed record FleetSample(DateTimeOffset At, ImmutableArray<ComponentSummary> Components);
