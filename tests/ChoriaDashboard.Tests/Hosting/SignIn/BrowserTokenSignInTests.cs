using System.Net;
using ChoriaDashboard.Hosting;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ChoriaDashboard.Tests.Hosting.SignIn.SignInTestKit;

namespace ChoriaDashboard.Tests.Hosting.SignIn;

/// <summary>The default mode through the real pipeline: nothing of the fleet without the browser token's cookie.</summary>
[Collection(NatsCollection.Name)]
public sealed class BrowserTokenSignInTests(NatsServerFixture nats)
{
    public static TheoryData<string> ForeignReturnUrls => ["//evil.example/x", "https://evil.example/x", "/\\evil.example", "http:/evil.example", "javascript:alert(1)"];

    [Fact]
    public async Task EveryMappedPageApiAndExport_Anonymous_RefusedWith401ForMachinesAndSignInForBrowsers()
    {
        // /metrics is anonymous unless Metrics:RequireApiKey (Prometheus' convention, MetricsApiKeyTests); required here,
        // so every machine path is checked.
        await using var app = App(nats.Url, more: new Dictionary<string, string?> { ["Metrics:RequireApiKey"] = "true" });
        using var http = Browser(app);
        var routes = ReadRoutes(app);
        Assert.Contains("/api/fleet", routes.Machine);
        Assert.Contains("/metrics", routes.Machine);
        Assert.Contains("/nodes", routes.Pages);
        Assert.Contains("/wall", routes.Pages);

        foreach (var path in routes.Machine)
        {
            using var response = await http.GetAsync(Path(path));
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{path} answered {response.StatusCode} to an anonymous request");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        foreach (var path in routes.Pages)
        {
            using var response = await http.GetAsync(Path(path));
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{path} answered {response.StatusCode} to an anonymous request");
            Assert.Equal($"/login?ReturnUrl={Uri.EscapeDataString(path)}", response.Headers.Location!.PathAndQuery);
        }

        Assert.Contains("/export/nodes.csv", routes.Machine);
        Assert.Contains("/hubs/fleet", routes.Machine);

        // The circuit cannot be opened either.
        using var negotiate = await http.PostAsync(Path("/_blazor/negotiate?negotiateVersion=1"), null);
        Assert.Equal(HttpStatusCode.Redirect, negotiate.StatusCode);
        Assert.StartsWith("/login", negotiate.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthEndpoints_Anonymous_AnswerWithoutNodes()
    {
        await using var app = App(nats.Url);
        using var http = Browser(app);

        using var healthz = await http.GetAsync(Path("/healthz"));
        using var readyz = await http.GetAsync(Path("/readyz"));

        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        Assert.Equal("Healthy", await healthz.Content.ReadAsStringAsync());
        Assert.DoesNotContain("node", (await readyz.Content.ReadAsStringAsync()).ToLowerInvariant(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginLink_RightToken_SetsStrictHttpOnlyCookieAndOpensTheAskedPage()
    {
        await using var app = App(nats.Url);
        using var http = Browser(app);

        using var login = await http.GetAsync(Path($"/login?t={BrowserToken}&ReturnUrl=%2Fnodes%3Fstate%3Ddead"));

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/nodes?state=dead", login.Headers.Location!.OriginalString);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".ChoriaDashboard.Auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("expires=", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Path("/nodes?state=dead"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Path("/api/fleet"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Path("/export/nodes.csv"))).StatusCode);
    }

    [Fact]
    public async Task LoginLink_WrongToken_ShowsTheFormWithAnErrorAndNeverEchoesTheToken()
    {
        await using var app = App(nats.Url);
        using var http = Browser(app);
        const string wrong = "wrong-token-<script>alert(1)</script>";

        using var login = await http.GetAsync(Path($"/login?t={Uri.EscapeDataString(wrong)}"));
        var body = await login.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Contains("not the dashboard&#x27;s sign-in token", body, StringComparison.Ordinal);
        Assert.Contains("<form method=\"post\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-token", body, StringComparison.Ordinal);
        Assert.DoesNotContain(BrowserToken, body, StringComparison.Ordinal);
        Assert.False(login.Headers.Contains("Set-Cookie") && login.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith(".ChoriaDashboard.Auth=", StringComparison.Ordinal) && !c.Contains("expires=Thu, 01 Jan 1970", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync(Path("/nodes"))).StatusCode);
    }

    [Theory]
    [MemberData(nameof(ForeignReturnUrls))]
    public async Task LoginLink_ForeignReturnUrl_GoesToTheOverviewInstead(string returnUrl)
    {
        await using var app = App(nats.Url);
        using var http = Browser(app);

        using var login = await http.GetAsync(Path($"/login?t={BrowserToken}&ReturnUrl={Uri.EscapeDataString(returnUrl)}"));

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/", login.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task LoginLink_CrossSiteSubresourceRequest_RefusedWithoutSigningIn()
    {
        await using var app = App(nats.Url);
        using var http = Browser(app);
        using var request = new HttpRequestMessage(HttpMethod.Get, Path($"/login?t={BrowserToken}"));
        // What Chromium sends for an <img> or fetch() on a foreign page pointing at the sign-in link.
        request.Headers.Add("Sec-Fetch-Site", "cross-site");
        request.Headers.Add("Sec-Fetch-Mode", "no-cors");
        request.Headers.Add("Origin", "http://evil.example");

        using var login = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
        Assert.False(login.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync(Path("/"))).StatusCode);
    }

    [Fact]
    public async Task LoginForm_PostedWithItsAntiforgeryToken_SignsIn()
    {
        await using var app = App(nats.Url);
        using var http = Browser(app);
        var form = await (await http.GetAsync(Path("/login?ReturnUrl=%2Fchecks"))).Content.ReadAsStringAsync();

        using var post = await http.PostAsync(Path("/login"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryField(form),
            ["token"] = BrowserToken,
            ["returnUrl"] = "/checks",
        }));

        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Equal("/checks", post.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Path("/checks"))).StatusCode);
    }

    [Fact]
    public async Task LoginForm_PostedFromAForeignPageWithoutAntiforgeryToken_Refused()
    {
        await using var app = App(nats.Url);
        using var http = Browser(app);
        using var request = new HttpRequestMessage(HttpMethod.Post, Path("/login"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = BrowserToken, ["returnUrl"] = "/" }),
        };
        request.Headers.Add("Origin", "http://evil.example");

        using var post = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync(Path("/"))).StatusCode);
    }

    [Fact]
    public async Task Logout_FromTheAppBarForm_SignsOutAndShowsSignedOut()
    {
        await using var app = App(nats.Url);
        using var http = await SignedInBrowserAsync(app);
        var overview = await (await http.GetAsync(Path("/"))).Content.ReadAsStringAsync();
        Assert.Contains("action=\"logout\"", overview, StringComparison.Ordinal);

        using var logout = await http.PostAsync(Path("/logout"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryField(overview),
        }));

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal("/signed-out", logout.Headers.Location!.OriginalString);
        Assert.Contains("You signed out", await (await http.GetAsync(Path("/signed-out"))).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync(Path("/"))).StatusCode);
    }

    [Fact]
    public async Task BrowserTokenCookie_AppRestartedWithAnotherToken_NoLongerSignsIn()
    {
        // Two processes with the same cookie keys (a restart), the second with a new token (a random one, or rotated
        // after the old one leaked from a log): the old cookie must not outlive its token.
        var keys = Directory.CreateTempSubdirectory("choria-dashboard-keys-").FullName;
        try
        {
            string cookie;
            await using (var before = App(nats.Url, more: new Dictionary<string, string?> { ["Auth:KeysDirectory"] = keys }))
            {
                using var http = Browser(before);
                using var login = await http.GetAsync(Path($"/login?t={BrowserToken}"));
                cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".ChoriaDashboard.Auth=", StringComparison.Ordinal)).Split(';')[0];
                using var still = new HttpRequestMessage(HttpMethod.Get, Path("/api/fleet"));
                still.Headers.Add("Cookie", cookie);
                Assert.Equal(HttpStatusCode.OK, (await before.CreateClient().SendAsync(still)).StatusCode);
            }

            await using var after = App(nats.Url, more: new Dictionary<string, string?> { ["Auth:KeysDirectory"] = keys, ["Auth:BrowserToken"] = "browser-token-after-rotation-01" });
            using var request = new HttpRequestMessage(HttpMethod.Get, Path("/api/fleet"));
            request.Headers.Add("Cookie", cookie);

            using var response = await Browser(after).SendAsync(request);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    [Fact]
    public async Task ErrorPage_Anonymous_SaysSoWithoutTheFleetOrACircuit()
    {
        await using var app = App(nats.Url);
        using var http = Browser(app);

        using var error = await http.GetAsync(Path("/error"));
        var body = await error.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Contains("Something went wrong on the server", body, StringComparison.Ordinal);
        Assert.DoesNotContain("broker-state", body, StringComparison.Ordinal);
        Assert.DoesNotContain("blazor.web.js", body, StringComparison.Ordinal);
    }

    /// <summary>Every GET route the app maps, with sample values, split into machines' paths and pages.</summary>
    private static (List<string> Machine, List<string> Pages) ReadRoutes(DashboardFactory app)
    {
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("GET") != false)
            .Where(e => e.Metadata.GetMetadata<DashboardEndpointGroup>()?.Name != DashboardEndpointGroup.Health)
            // Static files (they hold nothing of the fleet; the exports' names have dots too, but their group says what they are).
            .Where(e => e.Metadata.GetMetadata<DashboardEndpointGroup>()?.Name is DashboardEndpointGroup.Api or DashboardEndpointGroup.Export
                || !(e.RoutePattern.RawText ?? "").Contains('.', StringComparison.Ordinal))
            .Select(e => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))
            // Blazor's framework files and the sign-in pages themselves.
            .Where(p => !p.StartsWith("/_", StringComparison.Ordinal))
            .Where(p => p is not ("/login" or "/signed-out" or "/access-denied" or "/error"))
            .Select(p => p.Replace("{Identity}", "web-1.example.net", StringComparison.Ordinal))
            // Catch-all file routes (served from wwwroot) are not pages.
            .Where(p => !p.Contains('{', StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        static bool Machine(string p) => p.StartsWith("/api", StringComparison.Ordinal) || p.StartsWith("/export", StringComparison.Ordinal) || p.StartsWith("/hubs", StringComparison.Ordinal) || p == "/metrics";
        return (routes.Where(Machine).ToList(), routes.Where(p => !Machine(p)).ToList());
    }
}
