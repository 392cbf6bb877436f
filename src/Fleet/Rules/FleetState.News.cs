using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using ChoriaDashboard.Fleet.Store;

namespace ChoriaDashboard.Fleet.Rules;

/// <summary>
/// The fleet's news: what happened to a node or a check, told once by the writer as it applies an event or sweeps, each
/// piece flagged live or replayed, so no reader has to re-derive it from snapshots.
/// </summary>
internal sealed partial class FleetState
{
    /// <summary>Longest check output carried in a piece of news.</summary>
    private const int NewsOutputLength = 200;

    /// <summary>The time of the event or sweep being applied: when a piece of news happened.</summary>
    private DateTimeOffset _now;

    /// <summary>The same moment on the liveness clock, which silences are measured on.</summary>
    private DateTimeOffset _heardNow;

    /// <summary>Whether the event being applied was replayed from Choria Streams.</summary>
    private bool _replayed;

    private FleetChangeSet? _changes;

    /// <summary>
    /// When the dashboard started judging from live events: the end of the replay at start (the store sets it), or
    /// never before. A death whose threshold passed before it is history, flagged replayed: the process before a
    /// restart already told it.
    /// </summary>
    public DateTimeOffset LiveSince { get; set; } = DateTimeOffset.MinValue;

    /// <summary>When the event or sweep being applied happened on the liveness clock (writer only).</summary>
    internal DateTimeOffset HeardNow => _heardNow;

    private void Begin(DateTimeOffset now, DateTimeOffset heardNow, FleetChangeSet changes, bool replayed)
    {
        _now = now;
        _heardNow = heardNow;
        _changes = changes;
        _replayed = replayed;
    }

    private void Tell(FleetNews news)
    {
        _changes?.Add(news);
        if (news.IsNotable)
        {
            Notable.Add(news);
        }
    }

    private void NoteNode(NodeSnapshot? old, NodeSnapshot next, LifecycleEventType? cause)
    {
        if (cause == LifecycleEventType.Startup)
        {
            Tell(new FleetNews(_now, NewsKind.Started, next.Identity, next.Component, null, null, _replayed) { Version = next.Version });
        }

        if (old is null)
        {
            if (cause == LifecycleEventType.Shutdown)
            {
                Tell(new FleetNews(_now, NewsKind.Stopped, next.Identity, next.Component, null, null, _replayed));
            }

            // A node first heard of through its upgrade announcement.
            if (next.UpgradingTo is { } announced)
            {
                Upgraded(next, next.Version, announced, announced: true);
            }

            return;
        }

        if (old.State != next.State)
        {
            NewsKind? kind = next.State switch
            {
                NodeState.Dead => NewsKind.Died,
                NodeState.Stopped => NewsKind.Stopped,
                NodeState.Live when old.State is NodeState.Dead or NodeState.Stopped => NewsKind.CameBack,
                _ => null,
            };
            if (kind is { } k)
            {
                Tell(new FleetNews(_now, k, next.Identity, next.Component, null, null, k == NewsKind.Died ? DiedInHistory(next) : _replayed));
            }
        }

        if (next.UpgradingTo is { } target && target != old.UpgradingTo)
        {
            Upgraded(next, next.Version, target, announced: true);
        }
        else if (old.Version is { } from && next.Version is { } to && from != to && old.UpgradingTo != to)
        {
            // Seen on a new version it had not announced: an upgrade announced before was told then, once.
            Upgraded(next, from, to, announced: false);
        }
    }

    private void Upgraded(NodeSnapshot node, string? from, string to, bool announced) =>
        Tell(new FleetNews(_now, NewsKind.Upgraded, node.Identity, node.Component, null, $"{from ?? VersionCount.Unknown} → {to}", _replayed)
        {
            FromVersion = from,
            Version = to,
            Announced = announced,
        });

    /// <summary>Whether a node the sweep finds dead died before the dashboard was live (see <see cref="LiveSince"/>).</summary>
    private bool DiedInHistory(NodeSnapshot node) =>
        LiveSince > DateTimeOffset.MinValue && node.LastSeen + Policy.For(node).DeadAfter < LiveSince;

    /// <summary>Tells of a nagios check that turned CRITICAL (it was not critical before, or is new), or turned OK from failing.</summary>
    private void NoteCheck(string identity, string machine, string watcher, WatcherSnapshot? before, WatcherSnapshot after)
    {
        NewsKind? kind = after.Health == NagiosStatus.Critical && before?.Health != NagiosStatus.Critical ? NewsKind.CheckCritical
            : after.Health == NagiosStatus.Ok && before is { IsFailing: true } ? NewsKind.CheckRecovered
            : null;
        if (kind is { } k)
        {
            Tell(new FleetNews(_now, k, identity, null, CheckQuery.NameOf(machine, watcher), Excerpt(after.Output), _replayed));
        }
    }

    private void NoteGovernor(GovernorEvent g) =>
        Tell(new FleetNews(_now, NewsKind.Governor, g.Identity, g.Component, null, $"{g.Governor} {g.EventTypeName} slot {g.Sequence}", _replayed));

    private static string? Excerpt(string? output) => output is null || output.Length <= NewsOutputLength ? output : output[..NewsOutputLength] + "…";
}
