namespace ChoriaDashboard.Fleet;

/// <summary>Columns the node list sorts by.</summary>
public enum NodeSort
{
    Identity,
    Component,
    Version,
    State,
    LastSeen,
}
