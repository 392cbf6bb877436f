using ChoriaDashboard.TestKit;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;

namespace ChoriaDashboard.EndToEnd;

/// <summary>
/// The dashboard's OpenIdConnect mode against a real provider (tests/oidc-provider), in Chromium. The app is reached as
/// <see cref="BrowserFixture.PlainHttpHost"/>: a plain-http site other than the provider's, as an operator's deployment
/// looks to the browser; on the provider's own site (127.0.0.1) cookie mistakes would go unnoticed.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OidcSignInTests(BrowserFixture browser, NatsServerFixture nats)
{
    private const string AdminGroup = "choria-admins";

    [Fact]
    public async Task OpenIdConnect_UserWithTheRequiredClaim_SeesLivePagesWithTheirName_AndSignOutEndsTheProviderSession()
    {
        await using var setup = await StartAsync();
        var (app, _) = setup;
        await browser.Context.ClearCookiesAsync();
        var page = await browser.Context.NewPageAsync();
        try
        {
            await page.GotoAsync(new Uri(app.Address, "/nodes?state=dead").ToString());
            await OidcSignIn.SignInAtProviderAsync(page, "alice");

            // Back on the page asked for, signed in, with a live circuit.
            await Assertions.Expect(page.GetByTestId("broker-state")).ToContainTextAsync("connected", new() { Timeout = 20_000 });
            Assert.Equal(new Uri(app.Address, "/nodes?state=dead").ToString(), page.Url);
            await Assertions.Expect(page.Locator(".app-user")).ToHaveTextAsync("alice");

            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Signed out", new() { Timeout = 20_000 });
            Assert.StartsWith(new Uri(app.Address, "/signed-out").ToString(), page.Url, StringComparison.Ordinal);

            // The provider's session ended too: the next visit asks for a login again.
            await page.GotoAsync(new Uri(app.Address, "/").ToString());
            await Assertions.Expect(page.Locator("#login-form #login")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task OpenIdConnect_UserWithoutTheRequiredClaim_IsToldAccessDeniedAndSeesNoFleet()
    {
        await using var setup = await StartAsync();
        var (app, _) = setup;
        await browser.Context.ClearCookiesAsync();
        var page = await browser.Context.NewPageAsync();
        try
        {
            await page.GotoAsync(new Uri(app.Address, "/").ToString());
            await OidcSignIn.SignInAtProviderAsync(page, "mallory");

            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Access denied", new() { Timeout = 20_000 });
            await Assertions.Expect(page.Locator("main")).ToContainTextAsync($"requires the claim 'groups' with the value '{AdminGroup}'");
            await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Signed in as mallory");
            await Assertions.Expect(page.GetByTestId("broker-state")).ToHaveCountAsync(0);

            Assert.Equal(403, await page.EvaluateAsync<int>("async () => (await fetch('/api/fleet')).status"));
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    private async Task<Setup> StartAsync()
    {
        var settings = new Dictionary<string, string>
        {
            ["Nats:Url"] = nats.Url,
            ["Auth:Mode"] = "OpenIdConnect",
            ["Auth:OpenIdConnect:RequireHttpsMetadata"] = "false",
            ["Auth:OpenIdConnect:RequiredClaim:Type"] = "groups",
            ["Auth:OpenIdConnect:RequiredClaim:Value"] = AdminGroup,
            ["Ui:UpdateInterval"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var app = new AppServerProcess(settings, BrowserFixture.PlainHttpHostAddress, BrowserFixture.PlainHttpHost);
        var provider = await OidcProvider.StartAsync(
            [new Uri(app.Address, "/signin-oidc").ToString()],
            [new Uri(app.Address, "/signout-callback-oidc").ToString()],
            new Dictionary<string, IReadOnlyList<string>> { ["alice"] = [AdminGroup, "staff"], ["mallory"] = ["staff"] });
        settings["Auth:OpenIdConnect:Authority"] = provider.Authority;
        settings["Auth:OpenIdConnect:ClientId"] = provider.ClientId;
        settings["Auth:OpenIdConnect:ClientSecret"] = provider.ClientSecret;
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }

        return new Setup(app, provider);
    }

    private sealed record Setup(AppServerProcess App, OidcProvider Provider) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            await Provider.DisposeAsync();
        }
    }
}
