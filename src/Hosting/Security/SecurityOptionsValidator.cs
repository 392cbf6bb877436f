using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting.Security;

/// <summary>
/// Checks what goes into response headers and origin comparisons: <c>Security:FrameAncestors</c> must be CSP sources
/// (a stray <c>;</c> would end the directive and start another), <c>Security:AllowedOrigins</c> must be origins.
/// </summary>
public sealed partial class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var errors = new List<string>();
        if (FrameAncestorsError(options.FrameAncestors) is { } frameAncestors)
        {
            errors.Add($"Security:FrameAncestors {frameAncestors}");
        }

        foreach (var origin in options.AllowedOrigins)
        {
            if (!RequestOrigins.TryParseOrigin(origin, out _))
            {
                errors.Add($"Security:AllowedOrigins: '{origin}' is not an origin: write scheme, host and any port, as https://dashboard.example.com or http://10.0.0.5:8080, without a path.");
            }
        }

        if (options.RefusalLogInterval < TimeSpan.FromSeconds(1) || options.RefusalLogInterval > TimeSpan.FromDays(1))
        {
            errors.Add("Security:RefusalLogInterval must be between 1 second and 1 day.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Why <paramref name="value"/> is not a CSP <c>frame-ancestors</c> source list, or null when it is one.</summary>
    internal static string? FrameAncestorsError(string? value)
    {
        var sources = (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (sources.Length == 0)
        {
            return "is empty: write 'none' to forbid every frame, or 'self' (the default) to allow the dashboard's own pages.";
        }

        if (sources.Contains("'none'", StringComparer.OrdinalIgnoreCase) && sources.Length > 1)
        {
            return "has 'none' with other sources: 'none' stands alone.";
        }

        foreach (var source in sources)
        {
            if (source is "self" or "none")
            {
                return $"has {source} without single quotes, which would mean a host named '{source}': write '{source}'.";
            }

            if (!Keyword().IsMatch(source) && !SchemeSource().IsMatch(source) && !HostSource().IsMatch(source))
            {
                return $"has '{source}', which is not a CSP source ('self', 'none', https:, https://portal.example.com, https://*.example.com:8443).";
            }
        }

        return null;
    }

    [GeneratedRegex("^'(self|none)'$", RegexOptions.IgnoreCase)]
    private static partial Regex Keyword();

    [GeneratedRegex("^[a-z][a-z0-9+.-]*:$", RegexOptions.IgnoreCase)]
    private static partial Regex SchemeSource();

    // CSP host-source: optional scheme, a host or *.host (or *), an optional port or :*, an optional path; nothing
    // that could end the directive (; ,) or the header (white space, quotes).
    [GeneratedRegex(@"^(?:[a-z][a-z0-9+.-]*://)?(?:\*|(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::(?:[0-9]{1,5}|\*))?(?:/[^\s;,'""]*)?$", RegexOptions.IgnoreCase)]
    private static partial Regex HostSource();
}
