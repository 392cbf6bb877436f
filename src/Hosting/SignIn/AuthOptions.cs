using System.ComponentModel.DataAnnotations;

namespace ChoriaDashboard.Hosting.SignIn;

/// <summary>How people sign in to the dashboard (<c>Auth:Mode</c>).</summary>
public enum AuthMode
{
    /// <summary>A sign-in link with a token, logged at start (<c>/login?t=…</c>); the default in every environment.</summary>
    BrowserToken,

    /// <summary>Sign-in at an OpenID Connect provider (<c>Auth:OpenIdConnect</c>).</summary>
    OpenIdConnect,

    /// <summary>No sign-in: anyone who reaches the port sees the fleet. Only when chosen; every page says so.</summary>
    Unsecured,
}

/// <summary>
/// Who may see the fleet (section <c>Auth</c>): the sign-in mode for people, API keys for machines, wall tokens for
/// unattended screens. Secrets here are compared in constant time and never logged.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The smallest length of a token or key, in characters: shorter secrets can be guessed.</summary>
    public const int MinimumSecretLength = 16;

    /// <summary>How people sign in. Default <see cref="AuthMode.BrowserToken"/>.</summary>
    public AuthMode Mode { get; set; } = AuthMode.BrowserToken;

    /// <summary>
    /// The browser token (at least 16 characters), e.g. from a secret file or environment variable; empty: a random
    /// one at each start, logged in the sign-in link.
    /// </summary>
    public string? BrowserToken { get; set; }

    /// <summary>How long a browser stays signed in without a visit (sliding): default 3 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan CookieLifetime { get; set; } = TimeSpan.FromDays(3);

    /// <summary>
    /// How often an open page checks that its sign-in still holds (a revoked wall token): default one minute.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A folder for the keys that protect sign-in cookies, so sign-ins survive a restart and replicas share them
    /// (mount it as a volume in a container). Empty: ASP.NET Core's default (<c>~/.aspnet/DataProtection-Keys</c>).
    /// </summary>
    public string? KeysDirectory { get; set; }

    /// <summary>Used when <see cref="Mode"/> is <see cref="AuthMode.OpenIdConnect"/>.</summary>
    public OpenIdConnectSettings OpenIdConnect { get; set; } = new();

    /// <summary>Keys for machines (<c>x-api-key</c>): a list, so a key can be rotated by adding the new one first.</summary>
    public List<ApiKeySettings> ApiKeys { get; set; } = [];

    /// <summary>Tokens for wallboard links (<c>/wall?token=…</c>): a read-only screen that sees <c>/wall</c> only.</summary>
    public List<WallTokenSettings> WallTokens { get; set; } = [];
}

/// <summary>The OpenID Connect provider the dashboard signs people in with (<c>Auth:OpenIdConnect</c>).</summary>
public sealed class OpenIdConnectSettings
{
    /// <summary>The provider's issuer URL, e.g. <c>https://login.example.com/realms/ops</c>.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>The client's secret; empty for a public client (PKCE only).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Extra scopes beyond <c>openid profile</c>, e.g. <c>groups</c>.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>
    /// A claim a user must hold to see the fleet (e.g. <c>groups</c> = <c>choria-admins</c>); a user without it is
    /// told "access denied". Empty: every user the provider signs in.
    /// </summary>
    public RequiredClaimSettings RequiredClaim { get; set; } = new();

    /// <summary>The claim whose value is shown as the user's name. Default <c>name</c>.</summary>
    public string NameClaim { get; set; } = "name";

    /// <summary>Whether the provider's metadata must come over HTTPS: default true; false only for a test provider.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}

/// <summary>A claim type and the value it must have.</summary>
public sealed class RequiredClaimSettings
{
    public string? Type { get; set; }

    public string? Value { get; set; }
}

/// <summary>An API key (<c>Auth:ApiKeys</c>): the name is logged and shown, the key never.</summary>
public sealed class ApiKeySettings
{
    public string? Name { get; set; }

    public string? Key { get; set; }

    /// <summary>
    /// Whether the key may also post events (<c>POST /api/events</c>, when <c>HttpIngest:Enabled</c>); default false:
    /// a key that reads the fleet cannot change it.
    /// </summary>
    public bool CanPostEvents { get; set; }
}

/// <summary>A wall token (<c>Auth:WallTokens</c>): the name is logged and shown, the token never.</summary>
public sealed class WallTokenSettings
{
    public string? Name { get; set; }

    public string? Token { get; set; }
}
