namespace ChoriaDashboard.Components.Wall;

/// <summary>What one screen of the wallboard shows; a board rotates through the views its link names.</summary>
public enum WallView
{
    /// <summary>Every chosen component's numbers, the newest problems and recent events on one screen.</summary>
    Overview,

    /// <summary>One component at a time: its numbers, its version distribution and its problems.</summary>
    Component,

    /// <summary>Nagios health counts and the failing checks.</summary>
    Checks,

    /// <summary>Dead and stale nodes, newest problems first.</summary>
    Problems,
}

/// <summary>Dark (the default, for ops rooms) or light.</summary>
public enum WallTheme
{
    Dark,
    Light,
}
