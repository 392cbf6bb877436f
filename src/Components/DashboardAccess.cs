namespace ChoriaDashboard.Components;

/// <summary>
/// The two kinds of access to the dashboard, as authorization policy names: pages and endpoints name one, the sign-in
/// code (<c>Hosting/SignIn</c>) grants them. A viewer reads everything; a wall screen reads <c>/wall</c> only.
/// </summary>
public static class DashboardPolicies
{
    /// <summary>Everything: every page, the API, the exports, raw events. People who signed in, API keys.</summary>
    public const string Viewer = "viewer";

    /// <summary>The wallboard only: wall screens signed in with a wall token, and every viewer.</summary>
    public const string Wall = "wall";

    /// <summary>
    /// Posting events (<c>POST /api/events</c>): API keys with <c>CanPostEvents</c> only, never a browser's sign-in, so a
    /// key that reads cannot write and no page can post with its cookie.
    /// </summary>
    public const string EventSender = "event-sender";
}

/// <summary>The claims the dashboard itself puts on a signed-in user (never taken from a provider's token).</summary>
public static class DashboardClaims
{
    /// <summary>The claim type of the user's name.</summary>
    public const string Name = "name";

    /// <summary>
    /// The claim type of the access granted (<see cref="DashboardPolicies.Viewer"/> or <see cref="DashboardPolicies.Wall"/>):
    /// a name of our own, so a provider's <c>role</c> claim can never grant it.
    /// </summary>
    public const string Access = "urn:choria-dashboard:access";

    /// <summary>How the user signed in: <c>browser-token</c>, <c>openid-connect</c>, <c>api-key</c>, <c>wall-token</c>, <c>unsecured</c>.</summary>
    public const string Method = "urn:choria-dashboard:method";

    /// <summary>A digest of the wall token a screen signed in with, so a revoked token signs the screen out.</summary>
    public const string WallToken = "urn:choria-dashboard:wall-token";

    public const string BrowserTokenMethod = "browser-token";

    public const string OpenIdConnectMethod = "openid-connect";

    public const string ApiKeyMethod = "api-key";

    public const string WallTokenMethod = "wall-token";

    public const string UnsecuredMethod = "unsecured";
}
