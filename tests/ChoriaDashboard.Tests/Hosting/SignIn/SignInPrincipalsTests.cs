using System.Security.Claims;
using ChoriaDashboard.Components;
using ChoriaDashboard.Hosting.SignIn;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting.SignIn;

public sealed class SignInPrincipalsTests
{
    private const string Token = "wall-token-0123456789abcdef-ops";
    private const string BrowserTokenValue = "browser-token-0123456789abcdef";
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void OpenIdConnect_ProviderSendsItsOwnAccessAndRoleClaims_TheyGrantNothing()
    {
        var fromProvider = Provider(new Claim(DashboardClaims.Access, DashboardPolicies.Viewer), new Claim("role", "viewer"), new Claim("name", "mallory"));

        var user = SignInPrincipals.OpenIdConnect(fromProvider, Settings(requiredType: "groups", requiredValue: "choria-admins"));

        Assert.False(user.HasClaim(DashboardClaims.Access, DashboardPolicies.Viewer));
        Assert.Equal("mallory", user.Identity!.Name);
    }

    [Fact]
    public void OpenIdConnect_HoldsTheRequiredClaim_IsAViewer()
    {
        var fromProvider = Provider(new Claim("groups", "staff"), new Claim("groups", "choria-admins"), new Claim("name", "alice"));

        var user = SignInPrincipals.OpenIdConnect(fromProvider, Settings(requiredType: "groups", requiredValue: "choria-admins"));

        Assert.True(user.HasClaim(DashboardClaims.Access, DashboardPolicies.Viewer));
        Assert.True(user.IsInRole(DashboardPolicies.Viewer));
    }

    [Fact]
    public void OpenIdConnect_NoRequiredClaimConfigured_EveryUserIsAViewerNamedByTheNameClaim()
    {
        var user = SignInPrincipals.OpenIdConnect(Provider(new Claim("preferred_username", "bob")), Settings());

        Assert.True(user.HasClaim(DashboardClaims.Access, DashboardPolicies.Viewer));
        Assert.Equal("bob", user.Identity!.Name);
    }

    [Fact]
    public void Revalidate_WallTokenStillConfigured_KeepsTheScreen()
    {
        var screen = SignInPrincipals.WallToken("ops-room", Token);

        Assert.Same(screen, SignInPrincipals.Revalidate(screen, Options(wallToken: Token), BrowserTokenValue, Now));
    }

    [Theory]
    [InlineData("ops-room", "wall-token-replaced-0123456789")]
    [InlineData("another-room", Token)]
    public void Revalidate_WallTokenChangedOrRenamed_SignsTheScreenOut(string name, string token)
    {
        var screen = SignInPrincipals.WallToken("ops-room", Token);
        var options = Options();
        options.WallTokens = [new WallTokenSettings { Name = name, Token = token }];

        Assert.Null(SignInPrincipals.Revalidate(screen, options, BrowserTokenValue, Now));
    }

    [Theory]
    [InlineData(AuthMode.BrowserToken, true)]
    [InlineData(AuthMode.OpenIdConnect, false)]
    [InlineData(AuthMode.Unsecured, false)]
    public void Revalidate_BrowserTokenUser_HoldsOnlyInItsMode(AuthMode mode, bool holds)
    {
        var user = SignInPrincipals.BrowserToken(BrowserTokenValue);
        var options = Options();
        options.Mode = mode;

        Assert.Equal(holds, SignInPrincipals.Revalidate(user, options, BrowserTokenValue, Now) is not null);
    }

    [Fact]
    public void Revalidate_BrowserTokenChanged_SignsThePersonOut()
    {
        // A token read from a shared log, then replaced (a restart, or a new Auth:BrowserToken): its cookies go with it.
        var user = SignInPrincipals.BrowserToken(BrowserTokenValue);

        Assert.Null(SignInPrincipals.Revalidate(user, Options(), "browser-token-after-rotation-01", Now));
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, false)]
    [InlineData(60, true)]
    public void Revalidate_OpenIdConnectUser_HoldsUntilTheProvidersTokenExpires(int expiresInSeconds, bool holds)
    {
        // Then the provider is asked again, so a user it no longer lets in (or who lost the claim) loses access.
        var user = SignInPrincipals.OpenIdConnect(Provider(new Claim("name", "dave"), new Claim("exp", Now.AddSeconds(expiresInSeconds).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture))), Settings());
        var options = Options();
        options.Mode = AuthMode.OpenIdConnect;
        options.OpenIdConnect = Settings();

        Assert.Equal(holds, SignInPrincipals.Revalidate(user, options, BrowserTokenValue, Now) is not null);
    }

    [Fact]
    public void Revalidate_OpenIdConnectUserWithoutExpiry_Refused()
    {
        var user = SignInPrincipals.OpenIdConnect(Provider(new Claim("name", "erin")), Settings());
        var options = Options();
        options.Mode = AuthMode.OpenIdConnect;

        Assert.Null(SignInPrincipals.Revalidate(user, options, BrowserTokenValue, Now));
    }

    [Fact]
    public void Revalidate_RequiredClaimAddedAfterSignIn_TakesTheViewerAway()
    {
        var user = SignInPrincipals.OpenIdConnect(Provider(new Claim("name", "carol"), new Claim("exp", Now.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture))), Settings());
        var options = Options();
        options.Mode = AuthMode.OpenIdConnect;
        options.OpenIdConnect = Settings(requiredType: "groups", requiredValue: "choria-admins");

        var now = SignInPrincipals.Revalidate(user, options, BrowserTokenValue, Now);

        Assert.NotNull(now);
        Assert.NotSame(user, now);
        Assert.False(now.HasClaim(DashboardClaims.Access, DashboardPolicies.Viewer));
    }

    [Fact]
    public void Revalidate_UnknownMethod_Refused()
    {
        var forged = new ClaimsPrincipal(new ClaimsIdentity([new Claim(DashboardClaims.Access, DashboardPolicies.Viewer)], "Cookies"));

        Assert.Null(SignInPrincipals.Revalidate(forged, Options(), BrowserTokenValue, Now));
    }

    [Theory]
    [InlineData("/nodes?state=dead", "/nodes?state=dead")]
    [InlineData("/", "/")]
    [InlineData(null, "/")]
    [InlineData("//evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("/login?t=x", "/")]
    public void SafeReturnUrl_OnlyLocalPaths_Kept(string? asked, string expected) =>
        Assert.Equal(expected, SignInEndpoints.SafeReturnUrl(asked));

    [Theory]
    [InlineData("http://0.0.0.0:8080", "http://localhost:8080")]
    [InlineData("http://[::]:8080", "http://localhost:8080")]
    [InlineData("http://+:8080", "http://localhost:8080")]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080")]
    [InlineData("https://dash.example.net:443/", "https://dash.example.net:443")]
    public void SignInAnnouncer_ListeningAddress_BecomesOneToOpen(string listening, string expected) =>
        Assert.Equal(expected, SignInAnnouncer.PublicAddress(listening));

    private static ClaimsPrincipal Provider(params Claim[] claims) => new(new ClaimsIdentity(claims, "oidc"));

    private static OpenIdConnectSettings Settings(string? requiredType = null, string? requiredValue = null) =>
        new() { Authority = "https://login.example", ClientId = "dashboard", RequiredClaim = new() { Type = requiredType, Value = requiredValue } };

    private static AuthOptions Options(string? wallToken = null) => new()
    {
        WallTokens = wallToken is null ? [] : [new WallTokenSettings { Name = "ops-room", Token = wallToken }],
    };
}
