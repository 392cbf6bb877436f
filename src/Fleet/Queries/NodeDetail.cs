using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Fleet.Queries;

/// <summary>
/// Everything the fleet knows about one identity, read at one moment: the components it runs, their recent events
/// merged with the governor events it held slots in, its autonomous agent machines and its nagios checks.
/// </summary>
public sealed record NodeDetail
{
    public required string Identity { get; init; }

    /// <summary>One snapshot per component the identity runs, by component name.</summary>
    public required IReadOnlyList<NodeSnapshot> Components { get; init; }

    /// <summary>Recent events of every component and governor event of this identity, newest first.</summary>
    public required IReadOnlyList<NodeEventRow> Events { get; init; }

    /// <summary>Its machines by name.</summary>
    public required IReadOnlyList<MachineEntry> Machines { get; init; }

    /// <summary>Its nagios checks, failing first (as on <c>/checks</c>).</summary>
    public required IReadOnlyList<CheckRow> Checks { get; init; }

    /// <summary>False when the fleet has nothing on this identity: it was never seen, or forgotten.</summary>
    public bool Seen => Components.Count > 0 || Machines.Count > 0 || Events.Count > 0;

    /// <summary>Reads the identity's detail from <paramref name="fleet"/> and <paramref name="history"/>; cost grows with components and machines, not nodes.</summary>
    public static NodeDetail For(IFleetView fleet, INodeHistory history, string identity)
    {
        var components = new List<NodeSnapshot>();
        var events = new List<NodeEventRow>();
        foreach (var component in fleet.Summary.Components)
        {
            if (fleet.Nodes.TryGetValue(new NodeKey(identity, component.Component), out var node))
            {
                components.Add(node);
                foreach (var entry in node.History)
                {
                    events.Add(new NodeEventRow(entry.ReceivedAt, node.Component, NameOf(entry.Type), entry.Detail, entry.Format, node.Identity));
                }
            }
        }

        foreach (var g in history.GovernorHistory)
        {
            if (IsHolder(g.Holder, identity))
            {
                events.Add(new NodeEventRow(g.ReceivedAt, g.Component, "governor", $"{g.Governor} {g.EventType} slot {g.Sequence}: {g.Holder}", null, g.Holder));
            }
        }

        events.Sort((a, b) => b.ReceivedAt.CompareTo(a.ReceivedAt));
        var machines = fleet.Machines.TryGetValue(identity, out var host)
            ? host.Machines.Values.OrderBy(m => m.Machine, StringComparer.Ordinal).ToArray()
            : [];
        var checks = host is null ? [] : new CheckQuery { Identity = identity }.Apply(fleet.Machines);
        return new NodeDetail { Identity = identity, Components = components, Events = events, Machines = machines, Checks = checks };
    }

    /// <summary>
    /// A governor slot holder is this identity when it is the identity itself (a CLI) or an autonomous agent's
    /// <c>… @ identity</c>.
    /// </summary>
    internal static bool IsHolder(string holder, string identity) =>
        string.Equals(holder, identity, StringComparison.Ordinal)
        || (holder.EndsWith(identity, StringComparison.Ordinal) && holder.AsSpan(0, holder.Length - identity.Length).EndsWith("@ ", StringComparison.Ordinal));

    private static string NameOf(LifecycleEventType type) => TailEvent.TypeNames[(int)type];
}

/// <summary>One event in a node's history as the detail page lists it.</summary>
/// <param name="Format">How it arrived; null for governor events (kept without it).</param>
/// <param name="Sender">The event's identity as sent (for a governor event, the slot holder): with the receipt time, it finds the raw event.</param>
public sealed record NodeEventRow(DateTimeOffset ReceivedAt, string Component, string Type, string? Detail, WireFormat? Format, string Sender);
