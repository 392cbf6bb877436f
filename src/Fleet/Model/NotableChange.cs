namespace ChoriaDashboard.Fleet.Model;

/// <summary>What kind of change on-call and admins want to hear about.</summary>
public enum NotableChangeKind
{
    /// <summary>A node went silent past its dead threshold.</summary>
    Died,

    /// <summary>A dead or stopped node was heard from again.</summary>
    CameBack,

    /// <summary>A node announced an upgrade, or started on a different version.</summary>
    Upgraded,

    /// <summary>A node announced its shutdown.</summary>
    Stopped,

    /// <summary>A nagios check turned CRITICAL.</summary>
    CheckCritical,
}

/// <summary>One entry of the recent notable changes feed (see <see cref="IFleetReader.NotableChanges"/>).</summary>
/// <param name="At">When the change happened: the event's receipt time, or the sweep's time for a node that died.</param>
/// <param name="Identity">The node's identity, as received (untrusted text).</param>
/// <param name="Component">The node's component; null for a check.</param>
/// <param name="Check">For a check: <c>machine/watcher</c>; null otherwise.</param>
/// <param name="Detail">For an upgrade <c>old → new</c>; for a check the start of its output; else null.</param>
public sealed record NotableChange(DateTimeOffset At, NotableChangeKind Kind, string Identity, string? Component, string? Check, string? Detail);
