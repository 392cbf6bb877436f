using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Fleet;

/// <summary>
/// The live tail's read side: the newest accepted events and their raw messages. The events themselves arrive through
/// <see cref="IFleetView.Subscribe"/> with <c>withEvents</c>.
/// </summary>
public interface IEventTail
{
    /// <summary>The newest accepted events now (at most <c>Fleet:EventFeedLength</c>), oldest first; a copy.</summary>
    IReadOnlyList<TailEvent> RecentEvents();

    /// <summary>The message captured as <paramref name="id"/> (a <see cref="TailEvent.RawId"/>), exactly as received, or why it is not there.</summary>
    RawEventLookup FindRawEvent(long id);
}
