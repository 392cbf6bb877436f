using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.Tests.Hosting.SignIn.SignInTestKit;

namespace ChoriaDashboard.Tests.Api;

/// <summary>
/// Who reads the JSON API, its OpenAPI document and its reference page, through the real pipeline with browser-token
/// sign-in: machines with an API key and signed-in browsers do; the anonymous get 401 problems (the page: the sign-in
/// page); a wall screen gets 403.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed partial class ApiAuthorizationTests(NatsServerFixture nats)
{
    private static readonly string[] MachinePaths = ["/api/nodes", "/api/nodes/web-1.example.net", "/api/components/server/versions", "/api/checks", "/api/events", "/openapi/v1.json"];

    [Fact]
    public async Task Anonymous_EveryApiPathAndTheDocument_Refused401Problem()
    {
        await using var app = App(nats.Url);
        using var http = Browser(app);

        foreach (var path in MachinePaths)
        {
            using var response = await http.GetAsync(Path(path));

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{path}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("x-api-key", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ApiKey_EveryApiPathAndTheDocument_Answered()
    {
        await using var app = App(nats.Url);
        using var http = Browser(app);
        http.DefaultRequestHeaders.Add("x-api-key", ApiKey);

        foreach (var path in MachinePaths)
        {
            using var response = await http.GetAsync(Path(path));

            // An empty fleet knows no node nor component: 404 problems are answers too, past authorization.
            var expected = path.Contains("web-1", StringComparison.Ordinal) || path.Contains("versions", StringComparison.Ordinal) ? HttpStatusCode.NotFound : HttpStatusCode.OK;
            Assert.True(response.StatusCode == expected, $"{path}: {response.StatusCode}");
        }

        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/nodes", out _));
    }

    [Fact]
    public async Task SignedInBrowser_TheDocumentAndTheApi_Answered()
    {
        await using var app = App(nats.Url);
        using var http = await SignedInBrowserAsync(app);

        using var document = await http.GetAsync(Path("/openapi/v1.json"));
        using var nodes = await http.GetAsync(Path("/api/nodes"));

        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Equal("application/json", document.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, nodes.StatusCode);
    }

    [Fact]
    public async Task WallScreen_TheApiAndTheDocument_Refused403()
    {
        await using var app = App(nats.Url);
        using var http = await WallScreenAsync(app);

        using var document = await http.GetAsync(Path("/openapi/v1.json"));
        using var nodes = await http.GetAsync(Path("/api/nodes"));
        using var reference = await http.GetAsync(Path("/api-reference/"));

        Assert.Equal(HttpStatusCode.Forbidden, document.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, nodes.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, reference.StatusCode);
    }

    [Fact]
    public async Task ReferencePage_Anonymous_SentToSignIn()
    {
        await using var app = App(nats.Url);
        using var http = Browser(app);

        using var response = await http.GetAsync(Path("/api-reference/"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location?.OriginalString.Replace("http://localhost", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReferencePage_SignedIn_ItsScriptsRunByANonceFreshEachTime_OtherPagesKeepTheStrictPolicy()
    {
        await using var app = App(nats.Url);
        using var http = await SignedInBrowserAsync(app);

        using var first = await http.GetAsync(Path("/api-reference/"));
        using var second = await http.GetAsync(Path("/api-reference/"));
        using var nodesPage = await http.GetAsync(Path("/nodes"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var (policy, nonce) = ScriptPolicy(first);
        Assert.Equal($"script-src 'self' 'nonce-{nonce}'", policy);
        Assert.NotEqual(nonce, ScriptPolicy(second).Nonce);
        var html = System.Net.WebUtility.HtmlDecode(await first.Content.ReadAsStringAsync());
        var scripts = ScriptTag().Matches(html);
        Assert.True(scripts.Count >= 3, html);
        Assert.All(scripts, s => Assert.Contains($"nonce=\"{nonce}\"", s.Value, StringComparison.Ordinal));
        Assert.Contains("script-src 'self';", nodesPage.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("nonce", nodesPage.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    private static (string Policy, string Nonce) ScriptPolicy(HttpResponseMessage response)
    {
        var policy = response.Headers.GetValues("Content-Security-Policy").Single().Split("; ").Single(d => d.StartsWith("script-src", StringComparison.Ordinal));
        return (policy, Regex.Match(policy, "'nonce-([^']+)'").Groups[1].Value);
    }

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTag();
}
