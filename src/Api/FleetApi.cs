using System.Text.Json;
using System.Text.Json.Serialization;
using ChoriaDashboard.Api.Hub;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;

namespace ChoriaDashboard.Api;

/// <summary>The JSON endpoints automation and tests use.</summary>
public static class FleetApi
{
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    }

    /// <summary>Maps <c>GET fleet</c> on <paramref name="api"/>, the <c>/api</c> group.</summary>
    public static IEndpointRouteBuilder MapFleetApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/fleet", (IFleetView fleet, IFleetStatus status, INodeHistory history, FleetHubClients hub) => Results.Ok(FleetResponse.From(fleet, status, history, hub)))
            .WithName("GetFleet")
            .Produces<FleetResponse>()
            .ProducesRefusals();
        return api;
    }
}

/// <summary>
/// <c>GET /api/fleet</c>: per component counts by state and version, the broker connection, the ingest counters,
/// whether the view is current (<c>currency</c>: cut off from the broker, replaying history, missing events), and the
/// new nodes turned away at <c>Fleet:MaxNodes</c> lately (<c>turnedAway</c>, null when none).
/// </summary>
/// <param name="Revision">The summary's revision; serialised as <c>version</c>, the name existing clients read.</param>
/// <param name="Broker">The broker connection; serialised as <c>nats</c>, the name existing clients read.</param>
public sealed record FleetResponse(
    DateTimeOffset AsOf,
    [property: JsonPropertyName("version")] long Revision,
    StateCounts Totals,
    IReadOnlyList<ComponentResponse> Components,
    int Machines,
    HealthSummary Health,
    [property: JsonPropertyName("nats")] BrokerResponse Broker,
    IngestResponse Ingest,
    GovernorResponse Governor,
    ViewCurrency Currency,
    TurnedAway? TurnedAway,
    HubResponse Hub,
    StreamResponse Stream)
{
    public static FleetResponse From(IFleetView fleet, IFleetStatus status, INodeHistory history, FleetHubClients hub)
    {
        // The counters before the summary: the writer publishes a batch's summary before counting it as accepted, so
        // read in this order the totals always include at least every accepted event.
        var stats = status.Ingest;
        var accepted = stats.Accepted;
        var summary = fleet.Summary;
        var broker = status.Broker;
        return new FleetResponse(
            summary.AsOf,
            summary.Revision,
            new StateCounts(summary.TotalNodes, summary.Count(NodeState.Live), summary.Count(NodeState.Stale), summary.Count(NodeState.Dead), summary.Count(NodeState.Stopped)),
            [.. summary.Components.Select(ComponentResponse.From)],
            summary.Machines,
            summary.Health,
            new BrokerResponse(
                broker.State, broker.Since, broker.Server, broker.Subscriptions, broker.ExpectedSubscriptions, broker.Ready, broker.LastError,
                broker.Security, broker.Reason, broker.Warning, broker.RefusedSubjects),
            new IngestResponse(
                accepted,
                stats.TotalRejected,
                stats.RejectedByReason.Where(r => r.Value > 0).ToDictionary(r => JsonNamingPolicy.CamelCase.ConvertName(r.Key.ToString()), r => r.Value),
                stats.ReceivedBySubscription.ToDictionary(r => r.Key, r => r.Value),
                status.QueueLength,
                stats.Superseded),
            new GovernorResponse(
                [.. history.GovernorCounts.OrderBy(c => c.Key.Governor, StringComparer.Ordinal).ThenBy(c => c.Key.Event, StringComparer.Ordinal)
                    .Select(c => new GovernorCountResponse(c.Key.Governor, c.Key.Event, c.Value))],
                history.GovernorHistory),
            status.Currency,
            summary.TurnedAway,
            new HubResponse(hub.Connected, hub.Streams, hub.Feeds, hub.FellBehind, hub.Resynchronised, hub.Refused),
            new StreamResponse(status.FleetSubscriptions, status.FleetSubscriptionLags));
    }
}

/// <summary>
/// The live hub <c>/hubs/fleet</c>: connections and <c>Fleet</c> streams open now, feeds running (distinct filters),
/// and since start: times a stream (or a feed) fell behind, fresh snapshots sent in place of a backlog, calls refused.
/// </summary>
public sealed record HubResponse(int Connections, int Streams, int Feeds, long FellBehind, long Resynchronised, long RefusedCalls);

/// <summary>
/// The fleet's stream inside the app: fleet subscriptions open now (every page and control of each open tab, live tails,
/// hub feeds, metrics and webhooks), and times one lagged since start. Back to its level once tabs close: a count that
/// only grows is a leak.
/// </summary>
public sealed record StreamResponse(int Subscriptions, long Lagged);

public sealed record StateCounts(int Nodes, int Live, int Stale, int Dead, int Stopped);

public sealed record ComponentResponse(string Component, int Total, int Live, int Stale, int Dead, int Stopped, IReadOnlyList<VersionResponse> Versions)
{
    /// <summary>One component's counts as <c>/api/fleet</c> (and the hub) send them.</summary>
    public static ComponentResponse From(ComponentSummary c) =>
        new(c.Component, c.Total, c.Live, c.Stale, c.Dead, c.Stopped, [.. c.Versions.Select(v => new VersionResponse(v.Version, v.Nodes, v.Active))]);
}

public sealed record VersionResponse(string Version, int Nodes, int Active);

/// <summary>The broker connection: how (<c>security</c>), why it failed in words (<c>reason</c>), subjects the broker refused.</summary>
public sealed record BrokerResponse(
    BrokerState State,
    DateTimeOffset Since,
    string? Server,
    int Subscriptions,
    int ExpectedSubscriptions,
    bool Ready,
    string? LastError,
    string? Security,
    string? Reason,
    string? Warning,
    IReadOnlyDictionary<string, string> RefusedSubjects);

/// <summary>Accepted events, rejections by reason (only reasons seen), messages received per subscription, queue length, replayed events superseded (changed nothing).</summary>
public sealed record IngestResponse(long Accepted, long Rejected, IReadOnlyDictionary<string, long> RejectedByReason, IReadOnlyDictionary<string, long> Received, int QueueLength, long Superseded = 0);

/// <summary>Governor events: counts by governor and event type, and the newest events with their slot holders as sent.</summary>
public sealed record GovernorResponse(IReadOnlyList<GovernorCountResponse> Counts, IReadOnlyList<GovernorHistoryEntry> Recent);

public sealed record GovernorCountResponse(string Governor, string EventType, long Count);
