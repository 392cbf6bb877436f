using Semver;

namespace ChoriaDashboard.Fleet.Queries;

/// <summary>
/// Orders version strings oldest first, by semantic versioning (the Semver package): 0.29.10 after 0.29.9, 0.29.4-rc1
/// before 0.29.4. Choria versions are read leniently (<c>v0.29</c> is 0.29.0, leading zeros and surrounding white
/// space are allowed). The order is total: null first, then strings Semver cannot read (empty, garbage, four-part
/// versions) in ordinal order, then readable versions by semantic version sort order (pre-releases before their
/// release; build metadata last); two strings that read as the same version (<c>v0.29</c> and <c>0.29.0</c>) are
/// ordered by their text, so only equal strings compare as equal.
/// </summary>
public sealed class VersionComparer : IComparer<string?>
{
    /// <summary>What Choria and people write: a leading v, leading zeros, a missing minor or patch, surrounding spaces.</summary>
    private const SemVersionStyles Lenient = SemVersionStyles.Any;

    /// <summary>Versions longer than this are not parsed (field lengths are capped at ingest anyway).</summary>
    private const int MaxLength = 1024;

    public static readonly VersionComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        return Compare(x, Parse(x), y, Parse(y));
    }

    /// <summary>
    /// The same order for versions already parsed with <see cref="ParseVersion"/>, for callers that keep the parsed
    /// value instead of parsing on every comparison.
    /// </summary>
    internal static int Compare(string x, SemVersion? xs, string y, SemVersion? ys)
    {
        var c = (xs, ys) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            _ => SemVersion.CompareSortOrder(xs, ys),
        };
        return c != 0 ? c : string.CompareOrdinal(x, y);
    }

    /// <summary>The newest of <paramref name="versions"/> by this order; null when there are none.</summary>
    public static string? Newest(IEnumerable<string?> versions) => versions.Max(Instance);

    /// <summary>
    /// A component's newest version from <paramref name="active"/>, the versions some live or stale node runs: the
    /// highest release version; a pre-release (or a string Semver cannot read) only when no release is active, or
    /// always the highest of all when <paramref name="preReleaseNewest"/> (<c>Fleet:PreReleaseNewest</c>). Null when
    /// none is active.
    /// </summary>
    public static string? NewestActive(IEnumerable<string> active, bool preReleaseNewest)
    {
        string? newest = null;
        SemVersion? newestParsed = null;
        string? release = null;
        SemVersion? releaseParsed = null;
        foreach (var version in active)
        {
            var parsed = Parse(version);
            if (newest is null || Compare(version, parsed, newest, newestParsed) > 0)
            {
                (newest, newestParsed) = (version, parsed);
            }

            if (parsed is { IsPrerelease: false } && (release is null || Compare(version, parsed, release, releaseParsed) > 0))
            {
                (release, releaseParsed) = (version, parsed);
            }
        }

        return preReleaseNewest ? newest : release ?? newest;
    }

    /// <summary>
    /// A test of whether a version is behind <paramref name="newest"/> (read once). A version above it (a canary's
    /// pre-release, a dead node's newer version) is not behind, nor is the same version written differently
    /// (<c>v0.29.4</c>, <c>0.29.4+build.7</c>): readable versions compare by semantic version precedence.
    /// </summary>
    public static Func<string, bool> OlderThan(string newest)
    {
        var parsed = Parse(newest);
        return version =>
        {
            var v = Parse(version);
            return v is not null && parsed is not null ? SemVersion.ComparePrecedence(v, parsed) < 0 : Compare(version, v, newest, parsed) < 0;
        };
    }

    /// <summary>The semantic version <paramref name="version"/> reads as (leniently); null when it does not.</summary>
    internal static SemVersion? ParseVersion(string version) => Parse(version);

    private static SemVersion? Parse(string version) =>
        version.Length > 0 && SemVersion.TryParse(version, Lenient, out var parsed, MaxLength) ? parsed : null;
}
