namespace ChoriaDashboard.Fleet.Rules;

/// <summary>What applying one event did.</summary>
public enum ApplyOutcome
{
    Accepted,

    /// <summary>A new node or machine host was turned away because <c>Fleet:MaxNodes</c> is reached.</summary>
    FleetFull,

    /// <summary>Understood but not part of the node view (e.g. governor events are only counted).</summary>
    CountedOnly,

    /// <summary>A new machine or watcher was turned away: <c>Fleet:MaxMachinesPerNode</c> or <c>MaxWatchersPerMachine</c> is reached.</summary>
    MachineLimit,

    /// <summary>A new node of a new component was turned away: <c>Fleet:MaxComponents</c> components already have nodes.</summary>
    TooManyComponents,

    /// <summary>A new watcher was turned away: the fleet keeps <c>Fleet:MaxWatchers</c> watchers already.</summary>
    TooManyWatchers,

    /// <summary>
    /// A replayed event older than what is already known of the node, machine or watcher (history that the live
    /// subscription overtook): taken, but it moves nothing backwards. Only replayed events can be superseded.
    /// </summary>
    Superseded,
}
