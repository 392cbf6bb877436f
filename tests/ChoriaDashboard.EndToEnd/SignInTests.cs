using System.Text.RegularExpressions;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.EndToEnd;

/// <summary>Sign-in as people and screens meet it, in Chromium against the app as its own process or on Kestrel.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class SignInTests(BrowserFixture browser, NatsServerFixture nats)
{
    private const string WallToken = "wall-token-e2e-0123456789abcdef";
    private static readonly LocatorAssertionsToContainTextOptions Wait = new() { Timeout = 20_000 };

    [Fact]
    public async Task BrowserToken_LinkFromTheLog_SignsInLivePagesThenSignOutLocksThemAgain()
    {
        await using var app = new AppServerProcess(new Dictionary<string, string>
        {
            ["Nats:Url"] = nats.Url,
            ["Auth:Mode"] = "BrowserToken",
            ["Ui:UpdateInterval"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:ChoriaDashboard.Hosting.SignIn"] = "Information",
        });
        await app.StartAsync();
        await browser.Context.ClearCookiesAsync();
        var page = await browser.Context.NewPageAsync();
        try
        {
            // Anonymous: the page asked for is the sign-in form.
            await page.GotoAsync(new Uri(app.Address, "/nodes").ToString());
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
            Assert.Contains("/login?ReturnUrl=%2Fnodes", page.Url, StringComparison.Ordinal);

            // The one line the app logged at start, opened as an operator would.
            var link = await SignInLinkAsync(app);
            Assert.StartsWith(app.Address.ToString().TrimEnd('/'), link, StringComparison.Ordinal);
            await page.GotoAsync(link);
            await Assertions.Expect(page.GetByTestId("broker-state")).ToContainTextAsync("connected", Wait);
            await page.GotoAsync(new Uri(app.Address, "/nodes").ToString());
            await Assertions.Expect(page.GetByTestId("broker-state")).ToContainTextAsync("connected", Wait);

            await using var publisher = new TestPublisher(nats.Url);
            await publisher.PublishAsync(Startup("signin-1.example.net", "0.29.4", "e2e_signin"), WireFormat.CloudEventStructured);
            await publisher.FlushAsync();
            await Assertions.Expect(page.GetByText("signin-1.example.net")).ToBeVisibleAsync(new() { Timeout = 20_000 });
            await Assertions.Expect(page.Locator(".app-user")).ToHaveTextAsync("browser");
            await Screenshots.SaveAsync(page, "signed-in-nodes");

            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Signed out");
            await page.GotoAsync(new Uri(app.Address, "/").ToString());
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task WallLink_AppRestarted_BoardComesBackSignedInNotOnASignInPage()
    {
        var keys = Directory.CreateTempSubdirectory("choria-dashboard-keys-").FullName;
        var settings = new Dictionary<string, string>
        {
            ["Nats:Url"] = nats.Url,
            ["Auth:Mode"] = "BrowserToken",
            ["Auth:WallTokens:0:Name"] = "ops-room",
            ["Auth:WallTokens:0:Token"] = WallToken,
            ["Auth:KeysDirectory"] = Path.Combine(keys, "before"),
            ["Ui:UpdateInterval"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        await using var app = new AppServerProcess(settings);
        await app.StartAsync();
        await browser.Context.ClearCookiesAsync();
        var page = await browser.Context.NewPageAsync();
        try
        {
            await page.SetViewportSizeAsync(1920, 1080);
            await page.GotoAsync(new Uri(app.Address, $"/wall?components=e2e_wallsignin&token={WallToken}").ToString());
            await WallBoardTests.WaitInteractiveAsync(page);
            await page.EvaluateAsync("() => window.__beforeRestart = true");

            await app.StopAsync();
            await Assertions.Expect(page.Locator("#components-reconnect-modal")).ToBeVisibleAsync(new() { Timeout = 20_000 });
            // The worst case: the new process lost the keys of the screen's cookie (a container without a volume).
            settings["Auth:KeysDirectory"] = Path.Combine(keys, "after");
            await app.StartAsync();

            await WallBoardTests.WaitReloadedAsync(page, app);
            await WallBoardTests.WaitInteractiveAsync(page);
            Assert.DoesNotContain("/login", page.Url, StringComparison.Ordinal);

            // The screen sees the wall and nothing else.
            await page.GotoAsync(new Uri(app.Address, "/nodes").ToString());
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Access denied");
            await Assertions.Expect(page.Locator("main")).ToContainTextAsync("shows the wallboard only");
        }
        finally
        {
            await page.CloseAsync();
            Directory.Delete(keys, recursive: true);
        }
    }

    [Fact]
    public async Task WallToken_RevokedWhileTheBoardIsOpen_BoardSignsItselfOut()
    {
        await using var app = new DashboardFactory(nats.Url, new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "BrowserToken",
            ["Auth:WallTokens:0:Name"] = "ops-room",
            ["Auth:WallTokens:0:Token"] = WallToken,
            ["Auth:RevalidationInterval"] = "00:00:01",
        }, kestrel: true);
        app.StartServer();
        await browser.Context.ClearCookiesAsync();
        var page = await browser.Context.NewPageAsync();
        try
        {
            await page.GotoAsync(new Uri(app.ServerAddress, $"/wall?token={WallToken}").ToString());
            await WallBoardTests.WaitInteractiveAsync(page);

            Tests.Hosting.SignIn.SignInTestKit.Reconfigure(app, "Auth:WallTokens:0:Token", "wall-token-replaced-by-the-operator");

            // No request is made by an open board: its circuit finds out, and the page reloads into the refusal.
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Wallboard link not valid", new() { Timeout = 30_000 });
            await Assertions.Expect(page.GetByTestId("wall")).ToHaveCountAsync(0);
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    private static async Task<string> SignInLinkAsync(AppServerProcess app)
    {
        string? link = null;
        await Eventually.TrueAsync(
            () =>
            {
                link = SignInLink().Match(app.Log) is { Success: true } m ? m.Value : null;
                return Task.FromResult(link is not null);
            },
            TimeSpan.FromSeconds(20),
            $"the sign-in link in the log: {app.Log}");
        return link!;
    }

    [GeneratedRegex(@"http://\S+/login\?t=[A-Za-z0-9_-]{43}")]
    private static partial Regex SignInLink();
}
