using System.Collections.Concurrent;
using System.Collections.Immutable;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Fleet.Rules;

/// <summary>
/// Governor events are counted by governor and event type, as Choria's tally counts them, and the newest are kept as
/// they came; they change no node.
/// </summary>
internal sealed class GovernorRules(int maxCounters, int historyLength)
{
    private ImmutableQueue<GovernorHistoryEntry> _recent = [];
    private int _recentCount;

    private readonly ConcurrentDictionary<(string Governor, string Event), long> _counts = new();

    // Kept by the writer: ConcurrentDictionary.Count takes every lock of the table.
    private int _pairs;

    /// <summary>The counts so far, at most <c>Fleet:MaxGovernorCounters</c> pairs; safe to read concurrently.</summary>
    public IReadOnlyDictionary<(string Governor, string Event), long> Counts => _counts;

    /// <summary>The newest governor events, oldest first, at most <c>Fleet:GovernorHistoryLength</c>; an immutable copy.</summary>
    public IReadOnlyList<GovernorHistoryEntry> Recent => [.. Volatile.Read(ref _recent)];

    /// <summary>Counts one event received at <paramref name="receivedAt"/> and keeps it among the newest; a pair beyond the limit is not counted.</summary>
    public ApplyOutcome Apply(GovernorEvent g, DateTimeOffset receivedAt)
    {
        if (historyLength > 0)
        {
            var recent = _recent.Enqueue(new GovernorHistoryEntry(receivedAt, g.Governor, g.EventTypeName, g.Sequence, g.Identity, g.Component));
            if (++_recentCount > historyLength)
            {
                recent = recent.Dequeue();
                _recentCount--;
            }

            Volatile.Write(ref _recent, recent);
        }

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
