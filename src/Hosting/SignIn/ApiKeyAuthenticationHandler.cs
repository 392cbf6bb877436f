using System.Security.Claims;
using System.Text.Encodings.Web;
using ChoriaDashboard.Components;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting.SignIn;

/// <summary>
/// Signs machines in with a key from <c>Auth:ApiKeys</c>, sent in the <c>x-api-key</c> header (or, on a hub's
/// WebSocket, the <c>access_token</c> query parameter; on <c>/metrics</c> and <c>/hubs</c>, <c>Authorization: Bearer</c>, as Prometheus and SignalR's <c>accessTokenFactory</c> send it). A matching key makes a viewer named after the key; a wrong key
/// fails with 401; no key leaves the request to the other schemes. A key with <c>CanPostEvents</c> may also post
/// events (<see cref="DashboardPolicies.EventSender"/>). Keys are read at each request, so a key removed from
/// the configuration stops working without a restart.
/// </summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptionsMonitor<AuthOptions> auth)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    /// <summary>Whether a request carries an API key (so <see cref="SignInSchemes.Dashboard"/> forwards it here).</summary>
    public static bool Carries(HttpRequest request) => !string.IsNullOrEmpty(Presented(request));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Presented(Request);
        if (string.IsNullOrEmpty(presented))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // Every configured key is compared, so the time taken does not say which one came close.
        ApiKeySettings? match = null;
        foreach (var key in auth.CurrentValue.ApiKeys)
        {
            if (Secrets.Matches(presented, key.Key))
            {
                match = key;
            }
        }

        if (match is null)
        {
            LogRefused(Logger, Context.Connection.RemoteIpAddress?.ToString() ?? "unknown", Request.Path);
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        List<Claim> claims =
            [
                new Claim(DashboardClaims.Name, match.Name!),
                new Claim(DashboardClaims.Access, DashboardPolicies.Viewer),
                new Claim(DashboardClaims.Method, DashboardClaims.ApiKeyMethod),
            ];
        if (match.CanPostEvents)
        {
            claims.Add(new Claim(DashboardClaims.Access, DashboardPolicies.EventSender));
        }

        var identity = new ClaimsIdentity(
            claims,
            Scheme.Name,
            DashboardClaims.Name,
            DashboardClaims.Access);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        SignInSchemes.WriteMachineRefusalAsync(Context, StatusCodes.Status401Unauthorized);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        SignInSchemes.WriteMachineRefusalAsync(Context, StatusCodes.Status403Forbidden);

    private static string? Presented(HttpRequest request)
    {
        var header = request.Headers[SignInSchemes.ApiKeyHeader].ToString();
        if (!string.IsNullOrEmpty(header))
        {
            return header;
        }

        // Prometheus sends a key as `Authorization: Bearer <key>` (its `authorization` setting), and so do SignalR clients
        // given an accessTokenFactory (on negotiate; on the WebSocket itself they put it in access_token): /metrics and
        // /hubs take it, /api and /export do not.
        var hubs = request.Path.StartsWithSegments(SignInSchemes.Hubs, StringComparison.OrdinalIgnoreCase);
        if (hubs || request.Path.StartsWithSegments(SignInSchemes.Metrics, StringComparison.OrdinalIgnoreCase))
        {
            var authorization = request.Headers.Authorization.ToString();
            if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return authorization["Bearer ".Length..].Trim();
            }
        }

        return hubs ? request.Query[SignInSchemes.AccessTokenParameter].ToString() : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an API key that is not in Auth:ApiKeys, from {RemoteAddress} for {Path}")]
    private static partial void LogRefused(ILogger logger, string remoteAddress, PathString path);
}
