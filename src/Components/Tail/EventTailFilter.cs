using System.Collections.Immutable;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using Microsoft.AspNetCore.WebUtilities;

namespace ChoriaDashboard.Components;

/// <summary>Which events a live tail shows: by type (any of), component and identity (exact). Empty parts match everything.</summary>
public sealed record EventTailFilter
{
    /// <summary>Type names (see <see cref="TailEvent.TypeNames"/>); empty shows every type.</summary>
    public ImmutableHashSet<string> Types { get; init; } = [];

    /// <summary>The lifecycle component, or the machine's name for autonomous agent events.</summary>
    public string? Component { get; init; }

    public string? Identity { get; init; }

    public bool IsEmpty => Types.Count == 0 && Component is null && Identity is null;

    public bool Matches(in TailEvent e) =>
        (Types.Count == 0 || Types.Contains(e.Type))
        && (Component is null || string.Equals(e.Component, Component, StringComparison.Ordinal))
        && (Identity is null || string.Equals(e.Identity, Identity, StringComparison.Ordinal));

    /// <summary>Types from a comma-separated URL value; unknown words are ignored.</summary>
    public static ImmutableHashSet<string> ParseTypes(string? value) => string.IsNullOrWhiteSpace(value)
        ? []
        : [.. value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(v => v.ToLowerInvariant())
            .Where(TailEvent.TypeNames.Contains)];

    /// <summary>The URL of the live tail with this filter: <c>events?type=alive,startup&amp;component=…&amp;identity=…</c>.</summary>
    public string ToLink()
    {
        var parameters = new Dictionary<string, string?>();
        if (Types.Count > 0)
        {
            parameters["type"] = string.Join(',', TailEvent.TypeNames.Where(Types.Contains));
        }

        if (Component is not null)
        {
            parameters["component"] = Component;
        }

        if (Identity is not null)
        {
            parameters["identity"] = Identity;
        }

        return QueryHelpers.AddQueryString("events", parameters);
    }
}
