using System.Globalization;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Api;

/// <summary>
/// One node as machines read it: an item of <c>GET /api/nodes</c> and of <c>/export/nodes.json</c> (the same record, so
/// the two cannot drift), and a row of <c>/export/nodes.csv</c> (<see cref="NodeExport.Columns"/>, in this order).
/// Serialised in camelCase with enums as camelCase strings (<see cref="FleetApi.ConfigureJson"/>).
/// </summary>
/// <param name="Identity">The Choria identity (untrusted text as sent).</param>
/// <param name="Component">The lifecycle component (<c>server</c>, …).</param>
/// <param name="Version">The version last seen running; null when only a shutdown or provisioned was seen.</param>
/// <param name="UpgradingTo">After an upgraded event: the version announced, until seen running; else null.</param>
/// <param name="State"><c>live</c>, <c>stale</c>, <c>dead</c> or <c>stopped</c>.</param>
/// <param name="LastSeen">When the last event from it was received (ISO 8601).</param>
/// <param name="LastEvent">The kind of that event: <c>startup</c>, <c>shutdown</c>, <c>alive</c>, <c>provisioned</c>, <c>upgraded</c>, <c>governor</c>.</param>
/// <param name="FirstSeen">When it was first seen (ISO 8601).</param>
/// <param name="AliveEvery">Its steady alive cadence to the whole second, <c>hh:mm:ss</c>; null until steady.</param>
/// <param name="AliveIntervals">How many alive intervals agreed with that cadence.</param>
public sealed record NodeItem(
    string Identity,
    string Component,
    string? Version,
    string? UpgradingTo,
    NodeState State,
    DateTimeOffset LastSeen,
    LifecycleEventType LastEvent,
    DateTimeOffset FirstSeen,
    string? AliveEvery,
    int AliveIntervals)
{
    /// <summary>The item of <paramref name="node"/>, read at this moment (its live part moves on).</summary>
    public static NodeItem From(NodeSnapshot node)
    {
        var cadence = node.Cadence;
        return new NodeItem(
            node.Identity, node.Component, node.Version, node.UpgradingTo, node.State, node.LastSeen, node.LastEvent, node.FirstSeen,
            AliveEveryOf(cadence), cadence.Intervals);
    }

    /// <summary>A steady cadence to the whole second, as <c>hh:mm:ss</c>; null before it is steady.</summary>
    internal static string? AliveEveryOf(AliveCadence cadence) =>
        cadence.IsSteady ? TimeSpan.FromSeconds(Math.Round(cadence.Interval.TotalSeconds)).ToString("c", CultureInfo.InvariantCulture) : null;
}
