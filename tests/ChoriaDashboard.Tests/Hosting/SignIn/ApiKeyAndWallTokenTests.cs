using System.Net;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.Tests.Hosting.SignIn.SignInTestKit;

namespace ChoriaDashboard.Tests.Hosting.SignIn;

/// <summary>Machines with API keys and screens with wallboard links, through the real pipeline.</summary>
[Collection(NatsCollection.Name)]
public sealed class ApiKeyAndWallTokenTests(NatsServerFixture nats)
{
    [Fact]
    public async Task ApiKey_InHeader_ReadsTheApiAndTheExports()
    {
        await using var app = App(nats.Url);
        using var http = Browser(app);
        http.DefaultRequestHeaders.Add("x-api-key", ApiKey);

        using var fleet = await http.GetAsync(Path("/api/fleet"));
        using var csv = await http.GetAsync(Path("/export/nodes.csv"));
        using var json = await http.GetAsync(Path("/export/nodes.json"));

        Assert.Equal(HttpStatusCode.OK, fleet.StatusCode);
        Assert.Contains("\"asOf\"", await fleet.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
    }

    [Fact]
    public async Task ApiKey_Wrong_Refused401WithTheHeaderNamed()
    {
        await using var app = App(nats.Url);
        using var http = Browser(app);
        http.DefaultRequestHeaders.Add("x-api-key", ApiKey + "x");

        using var fleet = await http.GetAsync(Path("/api/fleet"));

        Assert.Equal(HttpStatusCode.Unauthorized, fleet.StatusCode);
        Assert.Contains("x-api-key", fleet.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, await fleet.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKey_RotatedOutOfTheConfiguration_RefusedWhileTheNewOneWorks()
    {
        const string newKey = "api-key-0123456789abcdef-rotated";
        await using var app = App(nats.Url, more: new Dictionary<string, string?> { ["Auth:ApiKeys:1:Name"] = "automation-2026", ["Auth:ApiKeys:1:Key"] = newKey });
        using var old = Browser(app);
        old.DefaultRequestHeaders.Add("x-api-key", ApiKey);
        using var rotated = Browser(app);
        rotated.DefaultRequestHeaders.Add("x-api-key", newKey);
        Assert.Equal(HttpStatusCode.OK, (await old.GetAsync(Path("/api/fleet"))).StatusCode);

        Reconfigure(app, "Auth:ApiKeys:0:Key", "api-key-revoked-by-the-operator-00");

        Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync(Path("/api/fleet"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rotated.GetAsync(Path("/api/fleet"))).StatusCode);
    }

    [Fact]
    public async Task ApiKey_OnPagesAndTheCircuit_OpensNothing()
    {
        // A key is for programs: it reads /api and the exports, never a page or a circuit.
        await using var app = App(nats.Url);
        using var http = Browser(app);
        http.DefaultRequestHeaders.Add("x-api-key", ApiKey);

        foreach (var page in new[] { "/", "/nodes", "/wall" })
        {
            using var response = await http.GetAsync(Path(page));
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{page} answered {response.StatusCode} to an API key");
        }

        using var negotiate = await http.PostAsync(Path("/_blazor/negotiate?negotiateVersion=1"), null);
        Assert.Equal(HttpStatusCode.Redirect, negotiate.StatusCode);
    }

    [Fact]
    public async Task SignedInBrowser_WithoutApiKey_ReadsTheApi()
    {
        await using var app = App(nats.Url);
        using var http = await SignedInBrowserAsync(app);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Path("/api/fleet"))).StatusCode);
    }

    [Fact]
    public async Task WallLink_ValidToken_OpensTheBoardWithItsOptionsAndSignsTheScreenIn()
    {
        await using var app = App(nats.Url);
        using var http = Browser(app);

        using var wall = await http.GetAsync(Path($"/wall?views=problems&theme=light&token={WallToken}"));

        Assert.Equal(HttpStatusCode.OK, wall.StatusCode);
        Assert.Contains("data-testid=\"wall\"", await wall.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The cookie carries the screen through the circuit's own requests, which do not repeat the token.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Path("/wall"))).StatusCode);
    }

    [Theory]
    [InlineData("/wall/")]
    [InlineData("/WALL")]
    public async Task WallLink_PathAsRoutingMatchesIt_SignsTheScreenIn(string path)
    {
        await using var app = App(nats.Url);
        using var http = Browser(app);

        using var wall = await http.GetAsync(Path($"{path}?token={WallToken}"));

        Assert.Equal(HttpStatusCode.OK, wall.StatusCode);
    }

    [Fact]
    public async Task WallScreen_EveryOtherPageApiExportAndRawEvent_Refused()
    {
        await using var app = App(nats.Url);
        using var http = await WallScreenAsync(app);

        foreach (var page in new[] { "/", "/nodes", "/nodes/web-1.example.net", "/checks", "/events" })
        {
            using var response = await http.GetAsync(Path(page));
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{page} answered {response.StatusCode} to a wall screen");
            Assert.StartsWith("/access-denied", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }

        foreach (var machine in new[] { "/api/fleet", "/export/nodes.csv", "/export/nodes.json" })
        {
            using var response = await http.GetAsync(Path(machine));
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{machine} answered {response.StatusCode} to a wall screen");
        }

        using var denied = await http.GetAsync(Path("/access-denied"));
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("shows the wallboard only", await denied.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WallLink_WrongToken_Refused401WithAPageSayingSo()
    {
        await using var app = App(nats.Url);
        using var http = Browser(app);

        using var wall = await http.GetAsync(Path("/wall?token=not-a-configured-wall-token"));

        Assert.Equal(HttpStatusCode.Unauthorized, wall.StatusCode);
        var body = await wall.Content.ReadAsStringAsync();
        Assert.Contains("This wallboard link is not valid", body, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-configured-wall-token", body, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"wall\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WallToken_RevokedInTheConfiguration_SignsTheScreenOutAtItsNextRequest()
    {
        await using var app = App(nats.Url);
        using var http = await WallScreenAsync(app);

        Reconfigure(app, "Auth:WallTokens:0:Token", "wall-token-replaced-by-the-operator");

        using var byCookie = await http.GetAsync(Path("/wall"));
        Assert.Equal(HttpStatusCode.Redirect, byCookie.StatusCode);
        Assert.StartsWith("/login", byCookie.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        using var byLink = await http.GetAsync(Path($"/wall?token={WallToken}"));
        Assert.Equal(HttpStatusCode.Unauthorized, byLink.StatusCode);
    }

    [Fact]
    public async Task WallLink_OpenedByASignedInViewer_KeepsTheViewer()
    {
        await using var app = App(nats.Url);
        using var http = await SignedInBrowserAsync(app);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Path($"/wall?token={WallToken}"))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Path("/nodes"))).StatusCode);
    }

    [Fact]
    public async Task Unsecured_EveryPage_OpenWithTheWarningBand()
    {
        await using var app = App(nats.Url, mode: "Unsecured");
        using var http = Browser(app);

        foreach (var page in new[] { "/", "/nodes", "/checks", "/events", "/wall" })
        {
            using var response = await http.GetAsync(Path(page));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("Unsecured: anyone who can reach this address sees the whole fleet", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Path("/api/fleet"))).StatusCode);
    }

    [Fact]
    public async Task BrowserToken_SignedInPages_ShowNoWarningBandButTheUserAndSignOut()
    {
        await using var app = App(nats.Url);
        using var http = await SignedInBrowserAsync(app);

        var overview = await (await http.GetAsync(Path("/"))).Content.ReadAsStringAsync();

        Assert.DoesNotContain("Unsecured:", overview, StringComparison.Ordinal);
        Assert.Contains("class=\"app-user\"", overview, StringComparison.Ordinal);
        Assert.Contains("Sign out", overview, StringComparison.Ordinal);
    }
}
