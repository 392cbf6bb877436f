using ChoriaDashboard.Fleet.Model;
using Microsoft.AspNetCore.WebUtilities;

namespace ChoriaDashboard.Fleet.Queries;

/// <summary>
/// A <see cref="NodeQuery"/> as URL query parameters (<c>q</c>, <c>component</c>, <c>state</c>, <c>version</c>,
/// <c>outdated</c>, <c>sort</c>, <c>desc</c>): one format for the node list's links and its exports, so a shared link
/// and a download show the same rows. Parsing never fails: a hand-edited value that makes no sense is ignored.
/// </summary>
public static class NodeQueryString
{
    /// <summary>Reads a query from parameter values; <paramref name="get"/> returns null for a missing parameter.</summary>
    public static NodeQuery Parse(Func<string, string?> get) => new()
    {
        Search = Empty(get("q")),
        Component = Empty(get("component")),
        State = ParseState(get("state")),
        Version = Empty(get("version")),
        Outdated = IsTrue(get("outdated")),
        Sort = Enum.TryParse<NodeSort>(get("sort"), ignoreCase: true, out var sort) && Enum.IsDefined(sort) && !int.TryParse(get("sort"), out _) ? sort : NodeSort.State,
        Descending = IsTrue(get("desc")),
    };

    /// <summary>The query's parameters, defaults left out, in a fixed order.</summary>
    public static Dictionary<string, string?> Parameters(NodeQuery query)
    {
        var parameters = new Dictionary<string, string?>();
        if (query.Search is not null)
        {
            parameters["q"] = query.Search;
        }

        if (query.Component is not null)
        {
            parameters["component"] = query.Component;
        }

        if (query.State is { } state)
        {
            parameters["state"] = NameOf(state);
        }

        if (query.Version is not null)
        {
            parameters["version"] = query.Version;
        }

        if (query.Outdated)
        {
            parameters["outdated"] = "true";
        }

        if (query.Sort != NodeSort.State)
        {
            parameters["sort"] = query.Sort.ToString().ToLowerInvariant();
        }

        if (query.Descending)
        {
            parameters["desc"] = "true";
        }

        return parameters;
    }

    /// <summary><paramref name="path"/> with the query's parameters, URL-escaped.</summary>
    public static string Link(string path, NodeQuery query) => QueryHelpers.AddQueryString(path, Parameters(query));

    /// <summary>A state as it reads in a URL: <c>live</c>, <c>stale</c>, <c>dead</c>, <c>stopped</c>.</summary>
    public static string NameOf(NodeState state) => state.ToString().ToLowerInvariant();

    /// <summary>A state name in any case; null for anything else (numbers included).</summary>
    public static NodeState? ParseState(string? value) =>
        Enum.TryParse<NodeState>(value, ignoreCase: true, out var state) && Enum.IsDefined(state) && !int.TryParse(value, out _) ? state : null;

    private static bool IsTrue(string? value) => value is not null && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1");

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
