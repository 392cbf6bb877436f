using System.Security.Claims;
using ChoriaDashboard.Components;

namespace ChoriaDashboard.Hosting.SignIn;

/// <summary>
/// The signed-in users the dashboard makes, and the check that a sign-in kept in a cookie still holds under the current
/// configuration (a wall token revoked, the mode changed, a required claim added): used at every request and by open
/// pages (<see cref="SignInRevalidation"/>).
/// </summary>
public static class SignInPrincipals
{
    /// <summary>
    /// A person who signed in with the browser token <paramref name="token"/>: a viewer, for as long as that token is the
    /// dashboard's (a new one, at a restart or in <c>Auth:BrowserToken</c>, signs such browsers out).
    /// </summary>
    public static ClaimsPrincipal BrowserToken(string token) =>
        Make(SignInSchemes.Cookie, "browser", DashboardPolicies.Viewer, DashboardClaims.BrowserTokenMethod, new Claim(BrowserTokenClaim, Secrets.Digest(token)));

    /// <summary>A screen signed in with the wall token named <paramref name="name"/>: the wall only.</summary>
    public static ClaimsPrincipal WallToken(string name, string token) =>
        Make(SignInSchemes.Cookie, $"wall: {name}", DashboardPolicies.Wall, DashboardClaims.WallTokenMethod, new Claim(DashboardClaims.WallToken, Secrets.Digest(token)), new Claim(WallNameClaim, name));

    /// <summary>
    /// The user an OpenID Connect provider signed in, with the dashboard's own claims replaced: access
    /// <see cref="DashboardPolicies.Viewer"/> only when <see cref="OpenIdConnectSettings.RequiredClaim"/> is held.
    /// </summary>
    public static ClaimsPrincipal OpenIdConnect(ClaimsPrincipal fromProvider, OpenIdConnectSettings settings)
    {
        var claims = fromProvider.Claims
            .Where(c => c.Type is not (DashboardClaims.Access or DashboardClaims.Method or DashboardClaims.WallToken or WallNameClaim or BrowserTokenClaim or DashboardClaims.Name))
            .ToList();
        var name = fromProvider.FindFirst(settings.NameClaim)?.Value
            ?? fromProvider.FindFirst("preferred_username")?.Value
            ?? fromProvider.FindFirst("email")?.Value
            ?? fromProvider.FindFirst("sub")?.Value
            ?? "unknown";
        claims.Add(new Claim(DashboardClaims.Name, name));
        claims.Add(new Claim(DashboardClaims.Method, DashboardClaims.OpenIdConnectMethod));
        if (HoldsRequiredClaim(claims, settings.RequiredClaim))
        {
            claims.Add(new Claim(DashboardClaims.Access, DashboardPolicies.Viewer));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, SignInSchemes.OpenIdConnect, DashboardClaims.Name, DashboardClaims.Access));
    }

    /// <summary>
    /// The sign-in <paramref name="user"/> as it holds now: the same principal, a changed one (an OpenID Connect user's
    /// access after <c>RequiredClaim</c> changed), or null when it no longer holds: its wall token revoked, its browser
    /// token no longer <paramref name="browserToken"/>, its mode no longer the configured one, or its provider's ID
    /// token expired at <paramref name="now"/> (so a user the provider no longer lets in is asked to sign in there again,
    /// and loses access then).
    /// </summary>
    public static ClaimsPrincipal? Revalidate(ClaimsPrincipal user, AuthOptions options, string browserToken, DateTimeOffset now)
    {
        switch (user.FindFirst(DashboardClaims.Method)?.Value)
        {
            case DashboardClaims.WallTokenMethod:
                var name = user.FindFirst(WallNameClaim)?.Value;
                var digest = user.FindFirst(DashboardClaims.WallToken)?.Value;
                var token = options.WallTokens.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));
                return token?.Token is { } secret && string.Equals(Secrets.Digest(secret), digest, StringComparison.Ordinal) ? user : null;
            case DashboardClaims.BrowserTokenMethod:
                return options.Mode == AuthMode.BrowserToken
                    && string.Equals(user.FindFirst(BrowserTokenClaim)?.Value, Secrets.Digest(browserToken), StringComparison.Ordinal)
                    ? user
                    : null;
            case DashboardClaims.OpenIdConnectMethod:
                if (options.Mode != AuthMode.OpenIdConnect
                    || !long.TryParse(user.FindFirst("exp")?.Value, out var expires)
                    || DateTimeOffset.FromUnixTimeSeconds(expires) <= now)
                {
                    return null;
                }

                var viewer = user.HasClaim(DashboardClaims.Access, DashboardPolicies.Viewer);
                return viewer == HoldsRequiredClaim(user.Claims, options.OpenIdConnect.RequiredClaim) ? user : OpenIdConnect(user, options.OpenIdConnect);
            default:
                return null;
        }
    }

    /// <summary>Why a signed-in user is refused a page, in words for the access-denied page.</summary>
    public static string DeniedReason(ClaimsPrincipal user, AuthOptions options) => user.FindFirst(DashboardClaims.Method)?.Value switch
    {
        DashboardClaims.WallTokenMethod => "This screen signed in with a wallboard link: it shows the wallboard only.",
        DashboardClaims.OpenIdConnectMethod when !string.IsNullOrEmpty(options.OpenIdConnect.RequiredClaim.Type) =>
            $"The dashboard requires the claim '{options.OpenIdConnect.RequiredClaim.Type}' with the value '{options.OpenIdConnect.RequiredClaim.Value}', and your sign-in does not hold it.",
        _ => "Your sign-in does not give access to this page.",
    };

    /// <summary>The claim type holding a wall token's configured name.</summary>
    internal const string WallNameClaim = "urn:choria-dashboard:wall";

    /// <summary>The claim type holding a digest of the browser token a person signed in with.</summary>
    internal const string BrowserTokenClaim = "urn:choria-dashboard:browser-token";

    private static bool HoldsRequiredClaim(IEnumerable<Claim> claims, RequiredClaimSettings required) =>
        string.IsNullOrEmpty(required.Type)
        || claims.Any(c => string.Equals(c.Type, required.Type, StringComparison.Ordinal) && string.Equals(c.Value, required.Value, StringComparison.Ordinal));

    private static ClaimsPrincipal Make(string scheme, string name, string access, string method, params Claim[] more) =>
        new(new ClaimsIdentity(
            [new Claim(DashboardClaims.Name, name), new Claim(DashboardClaims.Access, access), new Claim(DashboardClaims.Method, method), .. more],
            scheme,
            DashboardClaims.Name,
            DashboardClaims.Access));
}
