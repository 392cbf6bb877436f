namespace ChoriaDashboard.Hosting.Security;

/// <summary>
/// The Content-Security-Policy and frame headers, computed once at start from <c>Security:FrameAncestors</c> and the
/// sign-in settings: one policy for pages (the UI group and anything outside the groups), a stricter one for the JSON,
/// CSV and health responses, which a browser never runs or frames.
/// </summary>
public sealed class SecurityHeaders
{
    private readonly string[] _pageDirectives;

    private SecurityHeaders(string[] pageDirectives, string? frameOptions)
    {
        _pageDirectives = pageDirectives;
        PagePolicy = string.Join("; ", pageDirectives);
        FrameOptions = frameOptions;
    }

    /// <summary>For JSON, CSV and the probes: load nothing, be framed by nobody.</summary>
    public static string ResourcePolicy => "default-src 'none'; frame-ancestors 'none'";

    /// <summary>For the pages: what Blazor Server and MudBlazor need, and nothing else.</summary>
    public string PagePolicy { get; }

    /// <summary>
    /// <c>X-Frame-Options</c> for the pages when it says what <c>frame-ancestors</c> says (<c>SAMEORIGIN</c> for
    /// <c>'self'</c>, <c>DENY</c> for <c>'none'</c>), for older clients and scanners; null for a list of origins, which it
    /// cannot express (browsers that know <c>frame-ancestors</c> ignore it anyway).
    /// </summary>
    public string? FrameOptions { get; }

    /// <summary>The headers for <paramref name="options"/>; <paramref name="configuration"/> gives the sign-in settings.</summary>
    public static SecurityHeaders Create(SecurityOptions options, IConfiguration configuration)
    {
        var frameAncestors = string.Join(' ', options.FrameAncestors.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        string[] directives =
        [
            // Everything not named below is refused: fonts (a system font stack), frames, workers, manifests, media.
            "default-src 'none'",
            // Only files from the dashboard: blazor.web.js, MudBlazor.min.js, theme.js, reconnect.js. No inline script,
            // no eval.
            ScriptSource,
            // The theme is a file (/theme.css, no provider's <style> element any more), but MudBlazor sizes and places
            // elements through style attributes (popovers, progress bars, the virtualised lists' spacers, the wall's
            // bars), which Blazor sets as attributes while rendering: without 'unsafe-inline' none of these apply. Styles
            // cannot run script, so this leaves script-src strict.
            "style-src 'self' 'unsafe-inline'",
            // The favicon, and MudBlazor's stylesheet embeds a small PNG as a data: URL.
            "img-src 'self' data:",
            // The circuit: negotiate and the WebSocket (or its fallbacks) to this origin; reconnect.js polls /healthz.
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action " + FormAction(configuration),
            // Who may show a page in a frame (a portal embedding the wallboard); Blazor's own copy of this directive is
            // switched off where the endpoints are mapped, so the two cannot disagree.
            "frame-ancestors " + frameAncestors,
        ];
        return new SecurityHeaders(directives, FrameOptionsFor(frameAncestors));
    }

    /// <summary>
    /// <see cref="PagePolicy"/> that also runs the inline scripts carrying <paramref name="nonce"/>: for a page that cannot
    /// do without them (the API reference page's start-up script, <see cref="ScriptNonce"/>), one response at a time.
    /// </summary>
    public string PagePolicyWithNonce(string nonce) =>
        string.Join("; ", _pageDirectives.Select(d => d == ScriptSource ? $"{ScriptSource} 'nonce-{nonce}'" : d));

    private const string ScriptSource = "script-src 'self'";

    /// <summary>
    /// <c>'self'</c>, and with OpenID Connect sign-in the provider's origin: signing out posts a form here that redirects
    /// to the provider's end-session endpoint, and <c>form-action</c> also governs where a form's redirects go.
    /// </summary>
    private static string FormAction(IConfiguration configuration)
    {
        var oidc = string.Equals(configuration["Auth:Mode"], "OpenIdConnect", StringComparison.OrdinalIgnoreCase);
        return oidc && Uri.TryCreate(configuration["Auth:OpenIdConnect:Authority"], UriKind.Absolute, out var authority)
            && (authority.Scheme == Uri.UriSchemeHttps || authority.Scheme == Uri.UriSchemeHttp)
            ? "'self' " + authority.GetLeftPart(UriPartial.Authority)
            : "'self'";
    }

    private static string? FrameOptionsFor(string frameAncestors) => frameAncestors.ToLowerInvariant() switch
    {
        "'self'" => "SAMEORIGIN",
        "'none'" => "DENY",
        _ => null,
    };
}
