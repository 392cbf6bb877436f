using System.Globalization;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Status;

namespace ChoriaDashboard.Components.Controls;

/// <summary>
/// Says on every page that the fleet is full and real nodes are missing from the view: how many new nodes were turned
/// away at <c>Fleet:MaxNodes</c> and since when, and what an operator does about it.
/// </summary>
public sealed partial class FleetFullBanner
{
    /// <summary>"Fleet full since 08:12: 1,234 new nodes turned away (5,678 events), the latest at 08:40."</summary>
    public static string Headline(TurnedAway turnedAway)
    {
        var nodes = turnedAway.Nodes == 1 && !turnedAway.NodesAtLeast ? "1 new node" : string.Create(CultureInfo.InvariantCulture, $"{(turnedAway.NodesAtLeast ? "at least " : "")}{turnedAway.Nodes:N0} new nodes");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Fleet full since {Clock(turnedAway.Since)}: {nodes} turned away ({turnedAway.Events:N0} events), the latest at {Clock(turnedAway.Last)}; they are missing from every count and list.");
    }

    /// <summary>What an operator does.</summary>
    public static string Action(TurnedAway turnedAway) => string.Create(
        CultureInfo.InvariantCulture,
        $"The dashboard keeps at most {turnedAway.MaxNodes:N0} nodes (Fleet:MaxNodes). Raise Fleet:MaxNodes (each node costs a few KB of memory), or lower Fleet:ForgetAfter so dead and stopped nodes make room sooner.");

    private static string Clock(DateTimeOffset at) => at.ToLocalTime().ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Renders when the summary's status changed: the figures move with the writer's batches, not with every event.</summary>
    protected override bool OnFleetUpdated(IReadOnlyList<FleetUpdate> updates) => updates.Any(u => u.IsSnapshot || u.StatusChanged);
}
