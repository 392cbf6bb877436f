using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ChoriaDashboard.EndToEnd;

/// <summary>What a user does at the test OpenID provider (<c>tests/oidc-provider</c>) in the browser.</summary>
public static class OidcSignIn
{
    /// <summary>
    /// Signs in as <paramref name="login"/> on the provider's login form (one field, any login) that the app has sent
    /// the page to. The provider asks no consent. Returns once the browser has left the provider's form; where it
    /// landed is the caller's to check.
    /// </summary>
    public static async Task SignInAtProviderAsync(IPage page, string login)
    {
        var loginField = page.Locator("#login-form #login");
        await loginField.WaitForAsync(new() { Timeout = 20_000 });
        await loginField.FillAsync(login);
        await page.Locator("#login-form #sign-in").ClickAsync();
        await Eventually.TrueAsync(
            () => !page.Url.Contains("/interaction/", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20),
            $"the provider to accept the login {login} (the page is at {page.Url})");
    }
}
