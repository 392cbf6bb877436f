using System.ComponentModel;
using System.Globalization;
using ChoriaDashboard.Fleet.Queries;
using Microsoft.AspNetCore.Mvc;

namespace ChoriaDashboard.Api;

/// <summary>
/// The query parameters of the <c>/api</c> lists, as the client sent them (text), read strictly: a value that makes no
/// sense is an error naming its parameter (answered 400), where the pages ignore it. Bound as text, not as numbers or
/// enums, so that a bad value reaches the one place that explains it, not the framework's bare 400.
/// </summary>
public static class ApiParameters
{
    /// <summary>Items a page holds when <c>limit</c> is not given.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The most items a page may hold: a page is built and sent whole.</summary>
    public const int MaxLimit = 1000;

    /// <summary>
    /// <c>offset</c> (0 or more, default 0) and <c>limit</c> (1 to <see cref="MaxLimit"/>, default
    /// <see cref="DefaultLimit"/>); a bad one is added to <paramref name="errors"/>.
    /// </summary>
    public static (int Offset, int Limit) ParsePaging(string? offset, string? limit, IDictionary<string, string[]> errors) =>
        (ParseNumber(offset, "offset", 0, int.MaxValue, 0, errors), ParseNumber(limit, "limit", 1, MaxLimit, DefaultLimit, errors));

    /// <summary>A whole number within [<paramref name="min"/>, <paramref name="max"/>]; <paramref name="fallback"/> when missing or empty.</summary>
    public static int ParseNumber(string? value, string name, int min, int max, int fallback, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
        {
            errors[name] = [max == int.MaxValue ? $"A whole number, {min} or more." : $"A whole number from {min} to {max}."];
            return fallback;
        }

        return number;
    }

    /// <summary>The page of <paramref name="rows"/> from <paramref name="offset"/>, at most <paramref name="limit"/> long, mapped by <paramref name="map"/>.</summary>
    public static Page<TItem> PageOf<TRow, TItem>(IReadOnlyList<TRow> rows, int offset, int limit, Func<TRow, TItem> map)
    {
        var items = new List<TItem>(Math.Max(0, Math.Min(limit, rows.Count - offset)));
        for (var i = offset; i < rows.Count && items.Count < limit; i++)
        {
            items.Add(map(rows[i]));
        }

        return new Page<TItem>(rows.Count, offset, limit, items);
    }
}

/// <summary>The node list's filter and order (the parameters of <c>/nodes</c> and the exports), and a page.</summary>
public sealed record NodeListParameters
{
    [FromQuery(Name = "q"), Description("Only identities containing this text, in any case.")]
    public string? Q { get; init; }

    [FromQuery(Name = "component"), Description("Only this component, exactly.")]
    public string? Component { get; init; }

    [FromQuery(Name = "state"), Description("Only nodes in this state.")]
    public string? State { get; init; }

    [FromQuery(Name = "version"), Description("Only nodes running this version, exactly (`unknown`: no version seen).")]
    public string? Version { get; init; }

    [FromQuery(Name = "outdated"), Description("Only nodes not on their component's newest version.")]
    public string? Outdated { get; init; }

    [FromQuery(Name = "sort"), Description("The order: state (dead, stale, stopped, live; the default), identity (natural order), component, version, lastseen; ties by identity.")]
    public string? Sort { get; init; }

    [FromQuery(Name = "desc"), Description("Reverse the order.")]
    public string? Desc { get; init; }

    [FromQuery(Name = "offset"), Description("How many matching nodes to skip.")]
    public string? Offset { get; init; }

    [FromQuery(Name = "limit"), Description("The most nodes to return.")]
    public string? Limit { get; init; }

    /// <summary>The value of one of <see cref="NodeQueryString.Names"/>.</summary>
    public string? Get(string name) => name switch
    {
        "q" => Q,
        "component" => Component,
        "state" => State,
        "version" => Version,
        "outdated" => Outdated,
        "sort" => Sort,
        "desc" => Desc,
        _ => null,
    };
}

/// <summary>The parameters of <c>/checks</c>, and a page.</summary>
public sealed record CheckListParameters
{
    [FromQuery(Name = "status"), Description("Only checks of these statuses, comma-separated: ok, warning, critical, unknown, notchecked, stale.")]
    public string? Status { get; init; }

    [FromQuery(Name = "check"), Description("Only checks of this name, exactly: the check's, its machine's or its watcher's name.")]
    public string? Check { get; init; }

    [FromQuery(Name = "identity"), Description("Only checks of this node, exactly.")]
    public string? Identity { get; init; }

    [FromQuery(Name = "offset"), Description("How many matching checks to skip.")]
    public string? Offset { get; init; }

    [FromQuery(Name = "limit"), Description("The most checks to return.")]
    public string? Limit { get; init; }
}

/// <summary>The parameters of <c>/events</c>, and how many events.</summary>
public sealed record EventListParameters
{
    [FromQuery(Name = "type"), Description("Only events of these types, comma-separated: startup, shutdown, alive, provisioned, upgraded, governor, transition, state.")]
    public string? Type { get; init; }

    [FromQuery(Name = "component"), Description("Only this lifecycle component or machine, exactly.")]
    public string? Component { get; init; }

    [FromQuery(Name = "identity"), Description("Only events of this node, exactly.")]
    public string? Identity { get; init; }

    [FromQuery(Name = "limit"), Description("The most events to return, newest first.")]
    public string? Limit { get; init; }
}
