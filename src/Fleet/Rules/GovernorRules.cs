using System.Collections.Concurrent;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Fleet;

/// <summary>Governor events are counted by governor and event type, as Choria's tally counts them; they change no node.</summary>
internal sealed class GovernorRules(int maxCounters, StringInterner strings)
{
    private readonly ConcurrentDictionary<(string Governor, string Event), long> _counts = new();

    /// <summary>The counts so far, at most <c>Fleet:MaxGovernorCounters</c> pairs; safe to read concurrently.</summary>
    public IReadOnlyDictionary<(string Governor, string Event), long> Counts => _counts;

    /// <summary>Counts one event; a pair beyond the limit is not counted.</summary>
    public ApplyOutcome Count(GovernorEvent g)
    {
        if (_counts.Count < maxCounters || _counts.ContainsKey((g.Governor, g.EventTypeName)))
        {
            var key = (strings.Intern(g.Governor), strings.Intern(g.EventTypeName));
            _counts[key] = _counts.GetValueOrDefault(key) + 1;
        }

        return ApplyOutcome.CountedOnly;
    }
}
