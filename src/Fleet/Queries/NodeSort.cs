namespace ChoriaDashboard.Fleet.Queries;

/// <summary>Columns the node list sorts by.</summary>
public enum NodeSort
{
    Identity,
    Component,
    Version,
    State,
    LastSeen,
}
