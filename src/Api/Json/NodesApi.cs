using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChoriaDashboard.Api;

/// <summary>
/// The JSON API's reading endpoints on the <c>/api</c> group: the node list (the rows of <c>/nodes</c> and the exports,
/// paged), one node's detail, a component's versions, the checks and the recent events. A bad query parameter is
/// answered 400 with RFC 9457 problem details whose <c>errors</c> name it; an identity or component the fleet does not
/// know, 404.
/// </summary>
public static class NodesApi
{
    /// <summary>Maps the endpoints on <paramref name="api"/>, the <c>/api</c> group.</summary>
    public static IEndpointRouteBuilder MapNodesApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/nodes", GetNodes)
            .WithName("GetNodes")
            .ProducesRefusals()
            .WithSummary("The node list, filtered, sorted and paged")
            .WithDescription("The rows of the /nodes page and of /export/nodes.json, with the same filter and order parameters, a page at a time.");
        api.MapGet("/nodes/{identity}", GetNode)
            .WithName("GetNode")
            .ProducesRefusals()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One node's detail")
            .WithDescription("What the node detail page shows: the components the identity runs, its recent events, its machines and its checks.");
        api.MapGet("/components/{component}/versions", GetComponentVersions)
            .WithName("GetComponentVersions")
            .ProducesRefusals()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A component's versions, newest first, with their node counts");
        api.MapGet("/checks", GetChecks)
            .WithName("GetChecks")
            .ProducesRefusals()
            .WithSummary("The nagios checks, failing first, filtered and paged")
            .WithDescription("The rows of the /checks page, with its filters.");
        api.MapGet("/events", GetEvents)
            .WithName("GetEvents")
            .ProducesRefusals()
            .WithSummary("The newest accepted events, newest first")
            .WithDescription("The live tail's recent events (at most Fleet:EventFeedLength are kept), with the /events filters.");
        return api;
    }

    internal static Results<Ok<Page<NodeItem>>, ValidationProblem> GetNodes([AsParameters] NodeListParameters parameters, IFleetView fleet, NodeListCache lists)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var query = NodeQueryString.ParseStrict(parameters.Get, errors);
        var (offset, limit) = ApiParameters.ParsePaging(parameters.Offset, parameters.Limit, errors);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var rows = lists.Get(query, NodeListCache.RevisionFor(query, fleet.Summary));
        return TypedResults.Ok(ApiParameters.PageOf(rows, offset, limit, NodeItem.From));
    }

    internal static Results<Ok<NodeDetailResponse>, ProblemHttpResult> GetNode(string identity, IFleetView fleet, INodeHistory history)
    {
        var detail = NodeDetail.For(fleet, history, identity);
        if (!detail.Seen && identity.Contains("%2F", StringComparison.OrdinalIgnoreCase))
        {
            // The server decodes every escape in a path but %2F (a "/" inside a segment), so an identity with a slash
            // arrives with %2F in it; a node literally named "…%2F…" is still found first, above.
            detail = NodeDetail.For(fleet, history, identity.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase));
        }

        return detail.Seen
            ? TypedResults.Ok(NodeDetailResponse.From(detail))
            // The identity is not echoed: it is whatever the client put in the URL.
            : TypedResults.Problem(title: "Unknown identity", detail: "The fleet has nothing on this identity: never seen, or forgotten.", statusCode: StatusCodes.Status404NotFound);
    }

    internal static Results<Ok<ComponentVersionsResponse>, ProblemHttpResult> GetComponentVersions(string component, IFleetView fleet)
    {
        var summary = fleet.Summary.Components.FirstOrDefault(c => string.Equals(c.Component, component, StringComparison.Ordinal));
        return summary is null
            ? TypedResults.Problem(title: "Unknown component", detail: "No node of this component is known.", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(new ComponentVersionsResponse(
                summary.Component,
                summary.Newest,
                [.. summary.Versions.Select(v => new VersionResponse(v.Version, v.Nodes, v.Active))]));
    }

    internal static Results<Ok<Page<CheckItem>>, ValidationProblem> GetChecks([AsParameters] CheckListParameters parameters, IFleetView fleet)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (CheckQuery.UnknownStatusWords(parameters.Status) is { Count: > 0 } unknown)
        {
            errors["status"] = [$"Unknown status {string.Join(", ", unknown.Take(3))}; any of: {string.Join(", ", Enum.GetValues<Events.NagiosStatus>().Select(CheckQuery.NameOf))}, {CheckQuery.StaleWord}."];
        }

        var (offset, limit) = ApiParameters.ParsePaging(parameters.Offset, parameters.Limit, errors);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var query = new CheckQuery
        {
            Statuses = CheckQuery.ParseStatuses(parameters.Status),
            Stale = CheckQuery.ParseStale(parameters.Status),
            Check = Present(parameters.Check),
            Identity = Present(parameters.Identity),
        };
        return TypedResults.Ok(ApiParameters.PageOf(query.Apply(fleet.Machines), offset, limit, CheckItem.From));
    }

    internal static Results<Ok<IReadOnlyList<EventItem>>, ValidationProblem> GetEvents([AsParameters] EventListParameters parameters, IEventTail tail)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var types = string.IsNullOrWhiteSpace(parameters.Type)
            ? []
            : parameters.Type.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(t => t.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        if (types.Where(t => !TailEvent.TypeNames.Contains(t)).Take(3).ToList() is { Count: > 0 } unknown)
        {
            errors["type"] = [$"Unknown type {string.Join(", ", unknown)}; any of: {string.Join(", ", TailEvent.TypeNames)}."];
        }

        var limit = ApiParameters.ParseNumber(parameters.Limit, "limit", 1, ApiParameters.MaxLimit, ApiParameters.DefaultLimit, errors);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var component = Present(parameters.Component);
        var identity = Present(parameters.Identity);
        var recent = tail.RecentEvents();
        var items = new List<EventItem>(Math.Min(limit, recent.Count));
        for (var i = recent.Count - 1; i >= 0 && items.Count < limit; i--)
        {
            var e = recent[i];
            if ((types.Count == 0 || types.Contains(e.Type))
                && (component is null || string.Equals(e.Component, component, StringComparison.Ordinal))
                && (identity is null || string.Equals(e.Identity, identity, StringComparison.Ordinal)))
            {
                items.Add(EventItem.From(e));
            }
        }

        return TypedResults.Ok<IReadOnlyList<EventItem>>(items);
    }

    /// <summary>400 with the problem's <c>errors</c> naming each bad parameter, and a <c>detail</c> naming them in a line.</summary>
    private static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(
            errors,
            detail: $"Invalid query parameter{(errors.Count > 1 ? "s" : "")}: {string.Join(", ", errors.Keys.Order(StringComparer.Ordinal))}.",
            title: "Invalid query parameters");

    private static string? Present(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
