using System.Collections.Immutable;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;

namespace ChoriaDashboard.Api;

/// <summary>One page of a list: the matching total, where the page starts and how long it may be, and its items.</summary>
/// <param name="Total">How many items match the filters (all pages).</param>
/// <param name="Offset">How many matching items come before this page.</param>
/// <param name="Limit">The most items a page holds (the <c>limit</c> asked for, or 100).</param>
/// <param name="Items">At most <paramref name="Limit"/> items, in the list's order.</param>
public sealed record Page<T>(int Total, int Offset, int Limit, IReadOnlyList<T> Items);

/// <summary><c>GET /api/nodes/{identity}</c>: what the node detail page shows.</summary>
/// <param name="Identity">The identity asked for.</param>
/// <param name="Components">One item per component it runs, by component name.</param>
/// <param name="Events">Its recent events of every component and the governor events it held slots in, newest first.</param>
/// <param name="Machines">Its autonomous agent machines, by name.</param>
/// <param name="Checks">Its nagios checks, failing first (the order of <c>/checks</c>).</param>
public sealed record NodeDetailResponse(
    string Identity,
    IReadOnlyList<NodeItem> Components,
    IReadOnlyList<NodeEventRow> Events,
    IReadOnlyList<MachineItem> Machines,
    IReadOnlyList<CheckItem> Checks)
{
    public static NodeDetailResponse From(NodeDetail detail) => new(
        detail.Identity,
        [.. detail.Components.Select(NodeItem.From)],
        detail.Events,
        [.. detail.Machines.Select(MachineItem.From)],
        [.. detail.Checks.Select(CheckItem.From)]);
}

/// <summary>One autonomous agent machine on a node: its state, its last transitions and its watchers.</summary>
/// <param name="Machine">The machine's name.</param>
/// <param name="Version">The machine's version as it reports it; null when not reported.</param>
/// <param name="State">Its current state; null before a transition was seen.</param>
/// <param name="LastSeen">When the last event of the machine was received.</param>
/// <param name="Transitions">Its recent transitions, oldest first.</param>
/// <param name="Watchers">Its watchers' names and types, by name.</param>
public sealed record MachineItem(
    string Machine,
    string? Version,
    string? State,
    DateTimeOffset LastSeen,
    ImmutableArray<MachineTransition> Transitions,
    IReadOnlyList<WatcherItem> Watchers)
{
    public static MachineItem From(MachineEntry entry)
    {
        var latest = entry.Latest;
        return new MachineItem(
            entry.Machine, latest.Version, latest.State, entry.LastSeen, latest.Transitions,
            [.. entry.Watchers.Values.OrderBy(w => w.Name, StringComparer.Ordinal).Select(w => new WatcherItem(w.Name, w.Type, w.ReceivedAt))]);
    }
}

/// <summary>A watcher inside a machine: its name, its type (<c>nagios</c>, <c>exec</c>, …) and when it last reported.</summary>
public sealed record WatcherItem(string Name, string Type, DateTimeOffset ReceivedAt);

/// <summary>One nagios check on one node, as <c>/checks</c> lists it.</summary>
/// <param name="Identity">The node.</param>
/// <param name="Check">The check's name (a Scout machine's name, else <c>machine#watcher</c>).</param>
/// <param name="Machine">The machine that runs it.</param>
/// <param name="Watcher">The nagios watcher inside the machine.</param>
/// <param name="Status"><c>ok</c>, <c>warning</c>, <c>critical</c>, <c>unknown</c>, <c>notchecked</c>, or <c>stale</c> when its last result is no longer current.</param>
/// <param name="Output">The plugin's output, as sent.</param>
/// <param name="ReceivedAt">When its last result was received.</param>
/// <param name="FailingSince">Since when it has been failing; null when it is not.</param>
/// <param name="StaleSince">Since when its result has not been current; null when it is.</param>
public sealed record CheckItem(
    string Identity,
    string Check,
    string Machine,
    string Watcher,
    string Status,
    string? Output,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? FailingSince,
    DateTimeOffset? StaleSince)
{
    public static CheckItem From(CheckRow row) => new(
        row.Identity, row.Check, row.Machine, row.Watcher, row.Status, row.State.Output, row.State.ReceivedAt, row.State.FailingSince, row.State.StaleSince);
}

/// <summary>One accepted event, as the live tail (<c>/events</c>) lists it.</summary>
/// <param name="Sequence">Counts accepted events from 1 in the order they were applied.</param>
/// <param name="ReceivedAt">When it was received.</param>
/// <param name="Type"><c>startup</c>, <c>shutdown</c>, <c>alive</c>, <c>provisioned</c>, <c>upgraded</c>, <c>governor</c>, <c>transition</c> or <c>state</c>.</param>
/// <param name="Identity">The sender's identity.</param>
/// <param name="Component">The lifecycle component, or the machine's name for autonomous agent events.</param>
/// <param name="Detail">What it says in one line: version, version change, transition, check result, governor slot.</param>
/// <param name="Subject">The NATS subject it arrived on.</param>
public sealed record EventItem(long Sequence, DateTimeOffset ReceivedAt, string Type, string Identity, string Component, string Detail, string Subject)
{
    public static EventItem From(in TailEvent e) => new(e.Sequence, e.ReceivedAt, e.Type, e.Identity, e.Component, e.Detail, e.Subject);
}

/// <summary><c>GET /api/components/{component}/versions</c>: a component's versions, newest first, with their nodes.</summary>
/// <param name="Component">The component.</param>
/// <param name="Newest">The newest version a live or stale node runs (what "outdated" compares with); null when none.</param>
/// <param name="Versions">
/// Every version seen, newest first; <c>unknown</c> counts nodes that never said, <c>(other versions)</c> those beyond
/// <c>Fleet:MaxVersionsPerComponent</c>.
/// </param>
public sealed record ComponentVersionsResponse(string Component, string? Newest, IReadOnlyList<VersionResponse> Versions);
