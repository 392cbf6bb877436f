using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using Xunit;

namespace ChoriaDashboard.EndToEnd;

/// <summary>
/// OpenID Connect sign-in on plain http in Chromium, against a real provider (tests/oidc-provider): which settings make
/// it work, and what a SameSite=Strict auth cookie does after the provider sends the browser back.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OidcSignInRecipeTests(BrowserFixture browser) : IAsyncLifetime
{
    private static readonly Dictionary<string, IReadOnlyList<string>> Groups = new()
    {
        ["alice"] = [OidcRecipeApp.AdminGroup, "ops"],
    };

    private IPage _page = default!;

    public async Task InitializeAsync()
    {
        await browser.Context.ClearCookiesAsync();
        _page = await browser.Context.NewPageAsync();
    }

    public async Task DisposeAsync() => await _page.CloseAsync();

    [Fact]
    public async Task SignIn_UserInGroup_LandsOnTheAskedPageWithNameAndGroups()
    {
        await using var app = await OidcRecipeApp.StartAsync(new(), Groups);

        await _page.GotoAsync(new Uri(app.Address, "/admin").ToString());
        Assert.StartsWith(app.Provider.Authority, _page.Url, StringComparison.Ordinal);
        await OidcSignIn.SignInAtProviderAsync(_page, "alice");

        await Assertions.Expect(_page.Locator("#admin")).ToHaveTextAsync("admin page for alice");
        await _page.GotoAsync(app.Address.ToString());
        await Assertions.Expect(_page.Locator("#name")).ToHaveTextAsync("alice");
        await Assertions.Expect(_page.Locator("#groups")).ToHaveTextAsync($"{OidcRecipeApp.AdminGroup},ops");
        await Assertions.Expect(_page.Locator("#member")).ToHaveTextAsync($"member of {OidcRecipeApp.AdminGroup}");
    }

    [Fact]
    public async Task SignIn_UserWithoutTheGroup_SignedInButDeniedTheGroupsPage()
    {
        await using var app = await OidcRecipeApp.StartAsync(new(), Groups);

        await _page.GotoAsync(app.Address.ToString());
        await OidcSignIn.SignInAtProviderAsync(_page, "bob");

        await Assertions.Expect(_page.Locator("#name")).ToHaveTextAsync("bob");
        await Assertions.Expect(_page.Locator("#groups")).ToHaveTextAsync("");
        await Assertions.Expect(_page.Locator("#member")).ToHaveTextAsync($"not a member of {OidcRecipeApp.AdminGroup}");
        await _page.GotoAsync(new Uri(app.Address, "/admin").ToString());
        await Assertions.Expect(_page.Locator("#denied")).ToHaveTextAsync("access denied");
    }

    [Fact]
    public async Task SignOut_EndsTheProviderSessionAndReturnsToTheApp_SignedOut()
    {
        await using var app = await OidcRecipeApp.StartAsync(new(), Groups);
        await _page.GotoAsync(app.Address.ToString());
        await OidcSignIn.SignInAtProviderAsync(_page, "alice");
        await Assertions.Expect(_page.Locator("#name")).ToHaveTextAsync("alice");

        await _page.GotoAsync(new Uri(app.Address, "/signout").ToString());

        await Assertions.Expect(_page.Locator("#signed-out")).ToBeVisibleAsync();
        Assert.Equal(new Uri(app.Address, OidcRecipeApp.SignedOutPath).ToString(), _page.Url);
        await Assertions.Expect(_page.Locator("#authenticated")).ToHaveTextAsync("anonymous");

        // The provider forgot the user too: the app sends the browser back to its login form, not straight in.
        await _page.GotoAsync(app.Address.ToString());
        await Assertions.Expect(_page.Locator("#login-form #login")).ToBeVisibleAsync();
        await OidcSignIn.SignInAtProviderAsync(_page, "bob");
        await Assertions.Expect(_page.Locator("#name")).ToHaveTextAsync("bob");
    }

    [Fact]
    public async Task SignIn_FrameworkCookieDefaultsOnPlainHttpHost_FailsCorrelation()
    {
        await using var app = await OidcRecipeApp.StartAsync(new() { FrameworkCookieDefaults = true }, Groups);

        await _page.GotoAsync(app.Address.ToString());
        await OidcSignIn.SignInAtProviderAsync(_page, "alice");

        // The correlation cookie is SameSite=None and Secure: an http page that is not loopback cannot set it.
        await Assertions.Expect(_page.Locator("#failure")).ToContainTextAsync("Correlation failed");
    }

    [Fact]
    public async Task SignIn_FrameworkCookieDefaultsOnLoopback_SignsInSoSuchATestHidesTheFailure()
    {
        await using var app = await OidcRecipeApp.StartAsync(new() { FrameworkCookieDefaults = true, Host = "127.0.0.2" }, Groups);

        await _page.GotoAsync(app.Address.ToString());
        await OidcSignIn.SignInAtProviderAsync(_page, "alice");

        // Chromium lets loopback set Secure cookies over http, so there the defaults work.
        await Assertions.Expect(_page.Locator("#name")).ToHaveTextAsync("alice");
    }

    [Fact]
    public async Task SignIn_FormPostResponseMode_FailsCorrelation()
    {
        await using var app = await OidcRecipeApp.StartAsync(new() { ResponseMode = "form_post" }, Groups);

        await _page.GotoAsync(app.Address.ToString());
        await OidcSignIn.SignInAtProviderAsync(_page, "alice");

        // The provider posts the code from its own page: a cross-site POST carries no Lax cookie.
        await Assertions.Expect(_page.Locator("#failure")).ToContainTextAsync("Correlation failed");
    }

    [Fact]
    public async Task SignIn_StrictAuthCookieAndRedirectAfterCallback_LoopsBackToTheProvider()
    {
        await using var app = await OidcRecipeApp.StartAsync(new() { AuthCookieSameSite = SameSiteMode.Strict }, Groups);
        var authorizationRequests = 0;
        _page.Request += (_, request) =>
        {
            if (request.Url.StartsWith($"{app.Provider.Authority}/auth?", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref authorizationRequests);
            }
        };

        await _page.GotoAsync(app.Address.ToString());
        await OidcSignIn.SignInAtProviderAsync(_page, "alice");

        // The cookie set by the callback is not sent on the redirect to "/" (the chain started at the provider), so "/"
        // challenges again, the provider answers at once, and round it goes until Chromium gives up.
        await Eventually.TrueAsync(
            () => Volatile.Read(ref authorizationRequests) >= 3,
            TimeSpan.FromSeconds(20),
            $"the browser to loop back to the provider; {authorizationRequests} authorization requests, the page is at {_page.Url}");
        await Assertions.Expect(_page.Locator("#name")).Not.ToBeVisibleAsync();
    }

    [Fact]
    public async Task SignIn_StrictAuthCookieAndContinuePageAfterCallback_SignsIn()
    {
        await using var app = await OidcRecipeApp.StartAsync(new() { AuthCookieSameSite = SameSiteMode.Strict, ContinuePage = true }, Groups);

        var cspViolations = new List<string>();
        _page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                cspViolations.Add(message.Text);
            }
        };

        await _page.GotoAsync(new Uri(app.Address, "/?view=x").ToString());
        await OidcSignIn.SignInAtProviderAsync(_page, "alice");

        await Assertions.Expect(_page.Locator("#name")).ToHaveTextAsync("alice");
        Assert.Equal(new Uri(app.Address, "/?view=x").ToString(), _page.Url);
        Assert.Empty(cspViolations);

        await _page.GotoAsync(new Uri(app.Address, "/signout").ToString());
        await Assertions.Expect(_page.Locator("#authenticated")).ToHaveTextAsync("anonymous");
    }

    [Fact]
    public async Task SignIn_StrictAuthCookieWithAppOnTheProvidersSite_SignsInSoSuchATestHidesTheLoop()
    {
        await using var app = await OidcRecipeApp.StartAsync(new() { AuthCookieSameSite = SameSiteMode.Strict, Host = "127.0.0.1" }, Groups);

        await _page.GotoAsync(app.Address.ToString());
        await OidcSignIn.SignInAtProviderAsync(_page, "alice");

        await Assertions.Expect(_page.Locator("#name")).ToHaveTextAsync("alice");
    }
}
