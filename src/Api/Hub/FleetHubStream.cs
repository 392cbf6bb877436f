using System.Runtime.CompilerServices;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using Microsoft.AspNetCore.SignalR;

namespace ChoriaDashboard.Api.Hub;

/// <summary>
/// One client's <c>Fleet</c> stream: a snapshot of its filter first (made for it alone), then the rounds of its
/// filter's feed (<see cref="FleetHubFeeds"/>: merged once per <c>Hub:UpdateInterval</c> and serialized once for every
/// client of that filter). A node only heard again (an alive from a node live on that version:
/// <see cref="FleetUpdate.HeardOnlyCount"/>) is not a change here; its <c>lastSeen</c> is as of the last message that
/// carried it. A client that stops reading stops this loop at its send; the feed does not wait for it, and once more
/// than <c>Hub:ClientBacklog</c> rounds wait it gets a fresh snapshot in their place when it reads again.
/// </summary>
internal static class FleetHubStream
{
    public static async IAsyncEnumerable<FleetHubFrame> ReadAsync(
        IFleetView fleet,
        FleetHubFeeds feeds,
        IReadOnlySet<string>? components,
        FleetHubOptions options,
        FleetHubClients clients,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = feeds.Join(components);
        clients.Open(subscription.Rounds);
        try
        {
            // Joined first, then the snapshot: every update the snapshot misses is in a round still to come. A round no
            // newer than the snapshot's revision holds nothing the snapshot lacks (the nodes are read after the revision).
            var first = fleet.Summary;
            var revision = first.Revision;
            foreach (var message in Snapshot(fleet, first, false, components, options.NodesPerMessage))
            {
                yield return FleetHubFrame.From(message, feeds.Json);
            }

            await foreach (var round in subscription.Rounds.ReadAllAsync(cancellationToken))
            {
                if (ReferenceEquals(round, FleetHubRound.Failed) || subscription.FeedFailed)
                {
                    throw new HubException("The server's feed of the fleet failed; reconnect.");
                }

                if (ReferenceEquals(round, FleetHubRound.Resynchronise))
                {
                    clients.Resynchronise();
                    var summary = fleet.Summary;
                    revision = summary.Revision;
                    foreach (var message in Snapshot(fleet, summary, true, components, options.NodesPerMessage))
                    {
                        yield return FleetHubFrame.From(message, feeds.Json);
                    }

                    continue;
                }

                if (round.Revision <= revision)
                {
                    continue;
                }

                foreach (var frame in round.Frames)
                {
                    yield return frame;
                }
            }
        }
        finally
        {
            clients.Close(subscription.Rounds);
        }
    }

    /// <summary>The filter's nodes now, in parts; the last part may have no nodes.</summary>
    internal static IEnumerable<FleetHubMessage> Snapshot(IFleetView fleet, FleetSummary summary, bool resynchronised, IReadOnlySet<string>? components, int nodesPerMessage)
    {
        var summaries = Components(summary, components);
        var part = 1;
        var nodes = new List<NodeItem>(Math.Min(nodesPerMessage, 1024));
        // The live view may be newer than the summary's revision: a node sent here and again in the next changes is
        // the same upsert twice, which a client applies harmlessly.
        foreach (var node in fleet.Nodes.Values)
        {
            if (components is not null && !components.Contains(node.Component))
            {
                continue;
            }

            nodes.Add(NodeItem.From(node));
            if (nodes.Count == nodesPerMessage)
            {
                yield return new FleetHubMessage(FleetHubMessage.Snapshot, summary.Revision, resynchronised, part++, false, summaries, nodes, []);
                nodes = new List<NodeItem>(Math.Min(nodesPerMessage, 1024));
            }
        }

        yield return new FleetHubMessage(FleetHubMessage.Snapshot, summary.Revision, resynchronised, part, true, summaries, nodes, []);
    }

    /// <summary>
    /// The updates from <paramref name="start"/> on, merged (a node changed twice goes once, as it is in the newest; a
    /// node removed after a change goes as removed, and the other way round), in parts; nothing when none concerns the filter.
    /// </summary>
    internal static IEnumerable<FleetHubMessage> Changes(IReadOnlyList<FleetUpdate> batch, int start, IReadOnlySet<string>? components, int nodesPerMessage)
    {
        if (start >= batch.Count)
        {
            yield break;
        }

        var changed = new Dictionary<NodeKey, NodeSnapshot>();
        var removed = new HashSet<NodeKey>();
        for (var i = start; i < batch.Count; i++)
        {
            // Nodes only heard again (an alive that moved nothing but last seen) are not news to a client: left out.
            var update = batch[i];
            for (var n = 0; n < update.ChangedNodes.Count - update.HeardOnlyCount; n++)
            {
                var node = update.ChangedNodes[n];
                if (components is null || components.Contains(node.Component))
                {
                    changed[node.Key] = node;
                    removed.Remove(node.Key);
                }
            }

            foreach (var key in batch[i].RemovedNodes)
            {
                if (components is null || components.Contains(key.Component))
                {
                    changed.Remove(key);
                    removed.Add(key);
                }
            }
        }

        if (changed.Count == 0 && removed.Count == 0)
        {
            yield break;
        }

        var newest = batch[^1];
        var summaries = Components(newest.Summary, components);
        // Each part holds at most nodesPerMessage of both: changed nodes first, then removals. A part's items are made
        // as it is sent, so a client waiting at its send holds one part of them, not the whole round.
        var nodes = changed.Values.ToList();
        var gone = removed.ToList();
        var total = nodes.Count + gone.Count;
        var part = 1;
        for (var offset = 0; offset < total; offset += nodesPerMessage, part++)
        {
            var end = Math.Min(offset + nodesPerMessage, total);
            var nodeEnd = Math.Min(end, nodes.Count);
            var partNodes = offset < nodeEnd ? nodes[offset..nodeEnd].ConvertAll(NodeItem.From) : [];
            var partGone = end > nodes.Count ? gone[Math.Max(0, offset - nodes.Count)..(end - nodes.Count)].ConvertAll(k => new RemovedNode(k.Identity, k.Component)) : [];
            yield return new FleetHubMessage(FleetHubMessage.Changes, newest.Revision, false, part, end == total, summaries, partNodes, partGone);
        }
    }

    private static ComponentResponse[] Components(FleetSummary summary, IReadOnlySet<string>? components) =>
        [.. summary.Components.Where(c => components is null || components.Contains(c.Component)).Select(ComponentResponse.From)];
}
