using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Fleet;

/// <summary>What the fleet remembers beyond the nodes' states: governor events, and messages exactly as received.</summary>
public interface INodeHistory
{
    /// <summary>Governor events counted by governor and event type (at most <c>Fleet:MaxGovernorCounters</c> pairs).</summary>
    IReadOnlyDictionary<(string Governor, string Event), long> GovernorCounts { get; }

    /// <summary>The newest governor events, oldest first, at most <c>Fleet:GovernorHistoryLength</c>; slot holders as sent.</summary>
    IReadOnlyList<GovernorHistoryEntry> GovernorHistory { get; }

    /// <summary>The message <paramref name="identity"/> sent that was received at <paramref name="receivedAt"/> (a history entry's, transition's or check state's receipt time).</summary>
    RawEventLookup FindRawEvent(string identity, DateTimeOffset receivedAt);
}
