namespace ChoriaDashboard.Fleet.Model;

/// <summary>Where a node stands, judged from what it last said and how long ago.</summary>
public enum NodeState : byte
{
    /// <summary>Heard from within <c>StaleAfter</c>.</summary>
    Live,

    /// <summary>Silent longer than <c>StaleAfter</c>: an alive may have been lost.</summary>
    Stale,

    /// <summary>Silent longer than <c>DeadAfter</c>: crashed or cut off (no shutdown was received).</summary>
    Dead,

    /// <summary>Sent a shutdown: stopped on purpose.</summary>
    Stopped,
}
