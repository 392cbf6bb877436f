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
        Sort = ParseSort(get("sort")) ?? NodeSort.State,
        Descending = IsTrue(get("desc")),
    };

    /// <summary>The query parameters <see cref="Parse"/> and <see cref="ParseStrict"/> read, in URL order.</summary>
    public static readonly IReadOnlyList<string> Names = ["q", "component", "state", "version", "outdated", "sort", "desc"];

    /// <summary>
    /// Reads a query as <see cref="Parse"/> does, for machines: a value <see cref="Parse"/> would ignore (a state or sort
    /// nobody knows, a flag that is neither <c>true</c>/<c>false</c> nor <c>1</c>/<c>0</c>) is added to
    /// <paramref name="errors"/> under its parameter's name, with what the parameter takes. Empty values count as missing.
    /// </summary>
    /// <returns>The query of the values that were valid; meaningful only when nothing was added to <paramref name="errors"/>.</returns>
    public static NodeQuery ParseStrict(Func<string, string?> get, IDictionary<string, string[]> errors)
    {
        var query = Parse(get);
        if (Present(get("state")) is { } state && ParseState(state) is null)
        {
            errors["state"] = [$"Unknown state; one of: {string.Join(", ", Enum.GetValues<NodeState>().Select(NameOf))}."];
        }

        if (Present(get("sort")) is { } sort && ParseSort(sort) is null)
        {
            errors["sort"] = [$"Unknown sort; one of: {string.Join(", ", Enum.GetValues<NodeSort>().Select(NameOf))}."];
        }

        foreach (var flag in (ReadOnlySpan<string>)["outdated", "desc"])
        {
            if (Present(get(flag)) is { } value && !IsTrue(value) && !IsFalse(value))
            {
                errors[flag] = ["Not a flag; true, false, 1 or 0."];
            }
        }

        return query;
    }

    /// <summary>A sort as it reads in a URL: <c>identity</c>, <c>component</c>, <c>version</c>, <c>state</c>, <c>lastseen</c>.</summary>
    public static string NameOf(NodeSort sort) => sort.ToString().ToLowerInvariant();

    /// <summary>A sort name in any case; null for anything else (numbers included).</summary>
    public static NodeSort? ParseSort(string? value) => ByName<NodeSort>(value);

    private static bool IsFalse(string value) => value.Equals("false", StringComparison.OrdinalIgnoreCase) || value == "0";

    private static string? Present(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

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
            parameters["sort"] = NameOf(query.Sort);
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
    public static NodeState? ParseState(string? value) => ByName<NodeState>(value);

    /// <summary>The member named <paramref name="value"/> exactly, in any case: never a number or a comma-separated combination.</summary>
    private static T? ByName<T>(string? value)
        where T : struct, Enum
    {
        foreach (var member in Enum.GetValues<T>())
        {
            if (member.ToString().Equals(value?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return member;
            }
        }

        return null;
    }

    private static bool IsTrue(string? value) => value is not null && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1");

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
