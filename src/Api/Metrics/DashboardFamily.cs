namespace ChoriaDashboard.Api.Metrics;

/// <summary>
/// A family of the dashboard's own that another part contributes (the hosting's open circuits and refused requests),
/// read at each scrape. Registered as a singleton; <see cref="Read"/> must be quick and must not throw.
/// </summary>
/// <param name="Name">The full metric name, <c>choria_dashboard_…</c> with its unit (and <c>_total</c> for a counter).</param>
/// <param name="Type"><c>counter</c> or <c>gauge</c>.</param>
/// <param name="Label">The one label's name, or null for a single unlabelled sample.</param>
/// <param name="Read">The samples now: the label's value (ignored without a label) and the value.</param>
public sealed record DashboardFamily(string Name, string Type, string Help, string? Label, Func<IEnumerable<KeyValuePair<string, double>>> Read);
