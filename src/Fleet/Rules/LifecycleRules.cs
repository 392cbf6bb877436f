using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Store;

namespace ChoriaDashboard.Fleet.Rules;

/// <summary>
/// How lifecycle events change a node: startup and alive say it runs (and which version), shutdown that it
/// stopped, provisioned that it is live again, upgraded which version it is moving to.
/// </summary>
internal sealed class LifecycleRules(FleetState fleet, ProvisioningRules provisioning)
{
    private readonly FleetOptions _options = fleet.Options;

    public ApplyOutcome Apply(LifecycleEvent evt, DateTimeOffset receivedAt, FleetChangeSet changes, bool replayed = false)
    {
        var key = new NodeKey(evt.Identity, evt.Component);
        var exists = fleet.TryGetNode(key, out var old);
        if (!exists && fleet.NodeCount >= _options.MaxNodes)
        {
            return ApplyOutcome.FleetFull;
        }

        if (!exists && !fleet.HasRoomForComponent(evt.Component))
        {
            return ApplyOutcome.TooManyComponents;
        }

        if (replayed && old is not null && receivedAt < old.LastSeen)
        {
            // Replayed history the live subscription overtook: applying it would move the node back in time. Only
            // replayed events: a live one's receipt time is on the dashboard's clock, the stream's on the broker's.
            return ApplyOutcome.Superseded;
        }

        if (old is { State: NodeState.Live } && evt is AliveEvent alive
            && old.Version is { } running && running == alive.Version && old.UpgradingTo != running)
        {
            return StillAlive(old, alive, receivedAt, changes);
        }

        var current = old ?? new NodeSnapshot
        {
            Key = key,
            State = NodeState.Live,
            FirstSeen = receivedAt,
            Activity = fleet.NewActivity(receivedAt, evt.Type),
        };

        // Every field is worked out first and the new snapshot built once: it lives until the node's next change.
        var state = current.State;
        var version = current.Version;
        var previousVersion = current.PreviousVersion;
        var upgradingTo = current.UpgradingTo;
        var lastStartup = current.LastStartup;
        string? detail = null;
        switch (evt)
        {
            case StartupEvent s:
                detail = s.Version;
                Running(detail);
                lastStartup = receivedAt;
                upgradingTo = null;
                break;
            case AliveEvent a:
                detail = a.Version;
                Running(detail);
                break;
            case ShutdownEvent:
                state = NodeState.Stopped;
                break;
            case ProvisionedEvent:
                state = NodeState.Live;
                break;
            case UpgradedEvent u:
                // The version shown changes only when the node is seen running the new one.
                state = NodeState.Live;
                version ??= u.Version;
                upgradingTo = u.NewVersion;
                detail = $"{u.Version} → {u.NewVersion}";
                break;
        }

        void Running(string running)
        {
            state = NodeState.Live;
            if (version is not null && version != running)
            {
                previousVersion = version;
            }

            upgradingTo = upgradingTo == running ? null : upgradingTo;
            version = running;
        }

        // The activity is shared with the node's earlier snapshots: record first, then publish the new snapshot.
        fleet.Record(current, new NodeHistoryEntry(receivedAt, evt.Type, evt.Format, detail));
        var next = current with
        {
            State = state,
            Version = version,
            PreviousVersion = previousVersion,
            UpgradingTo = upgradingTo,
            LastStartup = lastStartup,
        };

        fleet.ReplaceNode(old, next, evt.Type);
        changes.Upsert(next);

        if (evt is StartupEvent or AliveEvent)
        {
            provisioning.NodeRunning(key, changes);
        }

        return ApplyOutcome.Accepted;
    }

    /// <summary>
    /// The commonest event by far: an alive from a node already live on that version. It changes only the node's live
    /// activity, which is recorded in place: no new snapshot (see <see cref="NodeActivity"/>).
    /// </summary>
    private ApplyOutcome StillAlive(NodeSnapshot node, AliveEvent alive, DateTimeOffset receivedAt, FleetChangeSet changes)
    {
        fleet.Record(node, new NodeHistoryEntry(receivedAt, alive.Type, alive.Format, node.Version));
        changes.Heard(node);
        provisioning.NodeRunning(node.Key, changes);
        return ApplyOutcome.Accepted;
    }
}
