using ChoriaDashboard.Fleet;

namespace ChoriaDashboard.Components.Pages;

/// <summary>Per component: how many nodes are live, stale, dead and stopped, and which versions run.</summary>
public sealed partial class Overview
{
    private static readonly NodeState[] States = [NodeState.Live, NodeState.Stale, NodeState.Dead, NodeState.Stopped];

    private static string NodesLink(string? component, NodeState state) =>
        NodesPage.Link(new NodeQuery { Component = component, State = state });

    private static string VersionLink(string component, string version) =>
        NodesPage.Link(new NodeQuery { Component = component, Version = version });

    private static double Share(int part, int whole) => whole == 0 ? 0 : 100.0 * part / whole;
}
