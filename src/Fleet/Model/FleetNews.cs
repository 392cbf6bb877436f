namespace ChoriaDashboard.Fleet.Model;

/// <summary>What happened, in the words on-call staff and admins use.</summary>
public enum NewsKind
{
    /// <summary>A node announced its startup.</summary>
    Started,

    /// <summary>A node announced its shutdown.</summary>
    Stopped,

    /// <summary>A node went silent past its dead threshold (the dashboard's judgement, not an event).</summary>
    Died,

    /// <summary>A dead or stopped node was heard from again.</summary>
    CameBack,

    /// <summary>A node announced an upgrade, or was seen running a version it had not announced; told once per upgrade.</summary>
    Upgraded,

    /// <summary>A nagios check turned CRITICAL.</summary>
    CheckCritical,

    /// <summary>A failing nagios check (critical, warning or unknown) turned OK.</summary>
    CheckRecovered,

    /// <summary>A governor event (a slot taken, released, or a timeout).</summary>
    Governor,
}

/// <summary>
/// One piece of news out of the fleet, as the writer saw it happen. Immutable. <see cref="Replayed"/> tells history
/// (replayed from Choria Streams after a restart, or judged from it) from what happens now, so nothing reacts twice to
/// an old upgrade.
/// </summary>
/// <param name="At">When it happened: the event's receipt time, or for a death the sweep's time.</param>
/// <param name="Identity">The node's identity as received (untrusted text); for a governor event, the slot holder.</param>
/// <param name="Component">The node's component; for a check, null; for a governor event, the sender's component.</param>
/// <param name="Check">For a check: its name as Choria Scout gives it (<c>check_httpd</c> or <c>machine#watcher</c>); null otherwise.</param>
/// <param name="Detail">
/// In words: for an upgrade <c>old → new</c>, for a check the start of its output (at most 200 characters), for a
/// governor event <c>governor event slot N</c>; null otherwise.
/// </param>
/// <param name="Replayed">
/// True for news about the time before this process was live: from an event replayed from Choria Streams, or a death
/// whose threshold passed before the replay ended.
/// </param>
public sealed record FleetNews(DateTimeOffset At, NewsKind Kind, string Identity, string? Component, string? Check, string? Detail, bool Replayed)
{
    /// <summary>For a startup the version started; for an upgrade the version moved to (null when not known).</summary>
    public string? Version { get; init; }

    /// <summary>For an upgrade the version moved from (null when not known).</summary>
    public string? FromVersion { get; init; }

    /// <summary>For an upgrade: announced by an <c>upgraded</c> event (true), or seen as a new version at startup or alive (false).</summary>
    public bool Announced { get; init; }

    /// <summary>News the overview's feed keeps (<see cref="IFleetView.RecentNews"/>): deaths, returns, upgrades, stops, critical checks.</summary>
    public bool IsNotable => Kind is NewsKind.Died or NewsKind.CameBack or NewsKind.Upgraded or NewsKind.Stopped or NewsKind.CheckCritical;
}
