using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Store;

namespace ChoriaDashboard.Fleet.Rules;

/// <summary>
/// Provisioning ends with a shutdown of <c>provision_mode_server</c> and a startup as <c>server</c>. Once the node
/// runs as a server, its stopped provisioning entry says nothing more and would count as a stopped node for a day,
/// so it goes, as Choria's tally deletes a host on shutdown.
/// </summary>
internal sealed class ProvisioningRules(FleetState fleet)
{
    /// <summary>Called when <paramref name="key"/> is seen running (startup or alive): a server drops its finished provisioning entry.</summary>
    public void NodeRunning(NodeKey key, FleetChangeSet changes)
    {
        if (key.Component != ChoriaComponents.Server)
        {
            return;
        }

        var provisioning = new NodeKey(key.Identity, ChoriaComponents.ProvisionModeServer);
        if (fleet.TryGetNode(provisioning, out var node) && node.State == NodeState.Stopped && fleet.RemoveNode(provisioning, node))
        {
            changes.Remove(provisioning);
        }
    }
}
