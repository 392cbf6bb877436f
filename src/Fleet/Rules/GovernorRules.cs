using System.Collections.Concurrent;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Fleet;

/// <summary>Governor events are counted by governor and event type, as Choria's tally counts them; they change no node.</summary>
internal sealed class GovernorRules(int maxCounters)
{
    private readonly ConcurrentDictionary<(string Governor, string Event), long> _counts = new();

    // Kept by the writer: ConcurrentDictionary.Count takes every lock of the table.
    private int _pairs;

    /// <summary>The counts so far, at most <c>Fleet:MaxGovernorCounters</c> pairs; safe to read concurrently.</summary>
    public IReadOnlyDictionary<(string Governor, string Event), long> Counts => _counts;

    /// <summary>Counts one event; a pair beyond the limit is not counted.</summary>
    public ApplyOutcome Count(GovernorEvent g)
    {
        var key = (g.Governor, g.EventTypeName);
        if (_counts.TryGetValue(key, out var count))
        {
            _counts[key] = count + 1;
        }
        else if (_pairs < maxCounters)
        {
            _counts[key] = 1;
            _pairs++;
        }

        return ApplyOutcome.CountedOnly;
    }
}
