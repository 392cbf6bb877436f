using System.Diagnostics.CodeAnalysis;

namespace ChoriaDashboard.Hosting.Security;

/// <summary>
/// Whether a browser's <c>Origin</c> is the dashboard itself: the same host and port as the request's <c>Host</c>, or an
/// origin listed in <c>Security:AllowedOrigins</c>.
/// </summary>
/// <remarks>
/// The scheme is not compared, and ports 80 and 443 count as one: behind a proxy that terminates TLS the browser's
/// origin is <c>https://dash.example.com</c> while the request reaching the app is plain http with <c>Host:
/// dash.example.com</c>. A page on another host or another explicit port (<c>http://127.0.0.1:8000</c> against the
/// dashboard on <c>127.0.0.1:8080</c>) is another origin. A page served by an attacker's DNS name that resolves to the
/// dashboard (DNS rebinding) sends the attacker's name as both <c>Origin</c> and <c>Host</c>: <c>AllowedHosts</c>
/// refuses those.
/// </remarks>
public static class RequestOrigins
{
    /// <summary>True when <paramref name="origin"/> names the host and port the request was sent to (see the remarks).</summary>
    public static bool IsSameHost(Uri origin, HostString host, string requestScheme)
    {
        if (!host.HasValue || !string.Equals(HostOf(origin), host.Host, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var requestPort = host.Port ?? (string.Equals(requestScheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase) ? 443 : 80);
        return WebPort(origin.Port) == WebPort(requestPort);
    }

    /// <summary>
    /// Parses an origin (<c>scheme://host[:port]</c>, http or https, no path, query or user) as a browser sends it in
    /// <c>Origin</c> and as <c>Security:AllowedOrigins</c> lists it. The opaque origin <c>null</c> is not one.
    /// </summary>
    public static bool TryParseOrigin(string? value, [NotNullWhen(true)] out Uri? origin)
    {
        origin = null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.UserInfo.Length > 0 || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return false;
        }

        origin = uri;
        return true;
    }

    /// <summary>True when both are the same origin: scheme, host and port (a default port written out or not).</summary>
    public static bool AreSame(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(HostOf(a), HostOf(b), StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    // As a Host header writes it: an IPv6 address in brackets, a name in its ASCII (punycode) form.
    private static string HostOf(Uri uri) => uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;

    private static int WebPort(int port) => port is 80 or 443 ? 0 : port;
}
