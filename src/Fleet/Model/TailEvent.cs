using ChoriaDashboard.Events;

namespace ChoriaDashboard.Fleet.Model;

/// <summary>
/// One accepted event as the live tail shows it: the typed event (immutable, shared with the fleet, never copied),
/// when it was received, its subject and the id of its raw capture (0: none, see <see cref="RawEventStore"/>).
/// </summary>
/// <param name="Sequence">Counts accepted events from 1 in the order the writer applied them.</param>
public readonly record struct TailEvent(long Sequence, DateTimeOffset ReceivedAt, ChoriaEvent Event, string Subject, long RawId)
{
    /// <summary>Type names the tail filters on (<c>/events?type=…</c>).</summary>
    public static readonly IReadOnlyList<string> TypeNames = ["startup", "shutdown", "alive", "provisioned", "upgraded", "governor", "transition", "state"];

    public string Identity => Event.Identity;

    /// <summary>
    /// The short type: a lifecycle type (<c>startup</c>, <c>alive</c>, …, <c>governor</c>), <c>transition</c> for a
    /// machine transition, <c>state</c> for a watcher state.
    /// </summary>
    public string Type => Event switch
    {
        LifecycleEvent l => TypeNames[(int)l.Type],
        MachineTransitionEvent => "transition",
        _ => "state",
    };

    /// <summary>The lifecycle component, or the machine's name for autonomous agent events.</summary>
    public string Component => Event switch
    {
        LifecycleEvent l => l.Component,
        MachineEvent m => m.Machine,
        _ => "",
    };

    /// <summary>What the event says, in one line of text: version, version change, transition, check result, governor slot.</summary>
    public string Detail => Event switch
    {
        StartupEvent s => s.Version,
        AliveEvent a => a.Version,
        UpgradedEvent u => $"{u.Version} → {u.NewVersion}",
        GovernorEvent g => $"{g.Governor} {g.EventTypeName} slot {g.Sequence}: {g.Identity}",
        MachineTransitionEvent t => $"{t.FromState} → {t.ToState} ({t.Transition})",
        NagiosWatcherState n => $"{n.Name}: {n.Status} {FirstLine(n.Output)}",
        WatcherStateEvent w => $"{w.WatcherType} {w.Name}",
        _ => "",
    };

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}
