using System.Globalization;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;

namespace ChoriaDashboard.Api;

/// <summary>
/// One node as machines read it: the fields of the JSON export (<see cref="NodeExport.Columns"/>, same names, same
/// order, same formats), used wherever a node goes out as JSON (the hub's changed nodes), so the shapes cannot drift.
/// </summary>
/// <param name="State">The state's name in lower case: <c>live</c>, <c>stale</c>, <c>dead</c>, <c>stopped</c>.</param>
/// <param name="LastEvent">The last lifecycle event's type in lower case (<c>alive</c>, <c>startup</c>, …).</param>
/// <param name="AliveEvery">The steady alive cadence to the second as <c>hh:mm:ss</c>; null until steady.</param>
/// <param name="AliveIntervals">How many intervals agreed with the cadence.</param>
public sealed record NodeItem(
    string Identity,
    string Component,
    string? Version,
    string? UpgradingTo,
    string State,
    DateTimeOffset LastSeen,
    string LastEvent,
    DateTimeOffset FirstSeen,
    string? AliveEvery,
    int AliveIntervals)
{
    public static NodeItem From(NodeSnapshot node)
    {
        var cadence = node.Cadence;
        return new NodeItem(
            node.Identity,
            node.Component,
            node.Version,
            node.UpgradingTo,
            NodeQueryString.NameOf(node.State),
            node.LastSeen,
            node.LastEvent.ToString().ToLowerInvariant(),
            node.FirstSeen,
            cadence.IsSteady ? TimeSpan.FromSeconds(Math.Round(cadence.Interval.TotalSeconds)).ToString("c", CultureInfo.InvariantCulture) : null,
            cadence.Intervals);
    }
}
