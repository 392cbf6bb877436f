using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace ChoriaDashboard.Hosting.SignIn;

/// <summary>The authentication schemes the dashboard registers, and the request paths machines use.</summary>
public static class SignInSchemes
{
    /// <summary>The default scheme: picks <see cref="ApiKey"/> for machines, the browser scheme for people.</summary>
    public const string Dashboard = "Dashboard";

    /// <summary>The sign-in cookie of browsers (browser token, OpenID Connect, wall token).</summary>
    public const string Cookie = CookieAuthenticationDefaults.AuthenticationScheme;

    public const string OpenIdConnect = OpenIdConnectDefaults.AuthenticationScheme;

    /// <summary>An <c>x-api-key</c> header (or <c>access_token</c> on a hub's WebSocket).</summary>
    public const string ApiKey = "ApiKey";

    /// <summary><c>Auth:Mode=Unsecured</c>: everyone is a viewer.</summary>
    public const string Unsecured = "Unsecured";

    /// <summary>The header machines send their API key in.</summary>
    public const string ApiKeyHeader = "x-api-key";

    /// <summary>The query parameter a hub's WebSocket carries its key in (browsers cannot set headers on WebSockets).</summary>
    public const string AccessTokenParameter = "access_token";

    /// <summary>The cookie's name.</summary>
    public const string CookieName = ".ChoriaDashboard.Auth";

    /// <summary>
    /// Paths machines call (<c>/openapi</c>: the API's OpenAPI document): an unauthenticated request there gets 401 (or 403), never a redirect to a sign-in page.
    /// </summary>
    private static readonly PathString[] MachinePaths = ["/api", "/export", "/hubs", "/metrics", "/openapi"];

    /// <summary>The hubs' path, where <see cref="AccessTokenParameter"/> is accepted.</summary>
    public static readonly PathString Hubs = "/hubs";

    /// <summary>Prometheus' scrape, where an API key may also come as <c>Authorization: Bearer</c> (as on <see cref="Hubs"/>).</summary>
    public static readonly PathString Metrics = "/metrics";

    public static bool IsMachinePath(PathString path) => MachinePaths.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A machine's refusal, the one shape for both: 401 (with <c>WWW-Authenticate</c> naming the header) or 403, as an
    /// RFC 9457 problem, never a redirect.
    /// </summary>
    public static Task WriteMachineRefusalAsync(HttpContext context, int status)
    {
        var unauthorized = status == StatusCodes.Status401Unauthorized;
        if (unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{ApiKeyHeader}\"";
        }

        return Results.Problem(
                title: unauthorized ? "Sign-in required" : "Forbidden",
                detail: unauthorized
                    ? $"Send an API key from Auth:ApiKeys in the {ApiKeyHeader} header, or sign in."
                    : "This sign-in does not give access to this resource (a wall screen sees /wall only).",
                statusCode: status)
            .ExecuteAsync(context);
    }
}
