using System.Net;
using System.Text.RegularExpressions;
using ChoriaDashboard.Hosting.Security;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting.Security;

/// <summary>
/// The security headers through the real pipeline: one Content-Security-Policy on every page (Blazor's own
/// frame-ancestors not appended beside it), the strict one on JSON, CSV and the probes, and X-Frame-Options in step.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed partial class SecurityHeadersIntegrationTests(NatsServerFixture nats)
{
    private static readonly string PagePolicy = SecurityHeaders.Create(new SecurityOptions(), new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()).PagePolicy;

    [Theory]
    [InlineData("/")]
    [InlineData("/nodes")]
    [InlineData("/nodes/web-1.example.net")]
    [InlineData("/checks")]
    [InlineData("/events")]
    [InlineData("/wall?views=overview,problems")]
    [InlineData("/error")]
    [InlineData("/no-such-page")]
    public async Task Page_Get_HasOnePolicyNosniffNoReferrerAndSameOriginFrames(string path)
    {
        await using var app = new DashboardFactory(nats.Url, Unsecured());
        using var http = app.CreateClient();

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(PagePolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("SAMEORIGIN", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task StaticAsset_Get_HasTheHeadersToo()
    {
        await using var app = new DashboardFactory(nats.Url, Unsecured());
        using var http = app.CreateClient();
        var page = await http.GetStringAsync(new Uri("/", UriKind.Relative));
        var script = ThemeScript().Match(page);
        Assert.True(script.Success, "theme.js is not linked by its fingerprinted name");

        using var response = await http.GetAsync(new Uri("/" + script.Groups[1].Value, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(PagePolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
    }

    [Fact]
    public async Task Page_Html_HasNoInlineScript()
    {
        await using var app = new DashboardFactory(nats.Url, Unsecured());
        using var http = app.CreateClient();

        var page = await http.GetStringAsync(new Uri("/", UriKind.Relative));

        // Every <script> has a src: the policy allows no inline script, an import map included.
        var scripts = ScriptTag().Matches(page).Select(m => m.Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, s => Assert.Contains(" src=", s, StringComparison.Ordinal));
        // The theme script comes first, before the stylesheets, so the remembered theme is applied before the first paint.
        Assert.True(page.IndexOf("theme.", StringComparison.Ordinal) < page.IndexOf("<link rel=\"stylesheet\"", StringComparison.Ordinal), "theme.js is not loaded before the stylesheets");
    }

    [Theory]
    [InlineData("/api/fleet")]
    [InlineData("/export/nodes.csv")]
    [InlineData("/export/nodes.json")]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task ApiExportAndProbes_Get_HaveTheStrictPolicyAndDenyFrames(string path)
    {
        await using var app = new DashboardFactory(nats.Url, Unsecured());
        using var http = app.CreateClient();

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal("default-src 'none'; frame-ancestors 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task Page_FrameAncestorsAList_PolicyCarriesItAndNoFrameOptionsContradictsIt()
    {
        var settings = Unsecured();
        settings["Security:FrameAncestors"] = "'self' https://portal.example.com";
        await using var app = new DashboardFactory(nats.Url, settings);
        using var http = app.CreateClient();

        using var response = await http.GetAsync(new Uri("/wall", UriKind.Relative));

        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.EndsWith("; frame-ancestors 'self' https://portal.example.com", policy, StringComparison.Ordinal);
        Assert.Single(FrameAncestors().Matches(policy));
        // Neither ours nor antiforgery's SAMEORIGIN, which would refuse the portal in a browser that reads only that.
        Assert.False(response.Headers.Contains("X-Frame-Options"));
    }

    private static Dictionary<string, string?> Unsecured() => new()
    {
        // About the hardened surface, not sign-in: every request is anonymous.
        ["Auth:Mode"] = "Unsecured",
    };

    [GeneratedRegex(@"src=""(theme\.[a-z0-9]+\.js)""")]
    private static partial Regex ThemeScript();

    [GeneratedRegex(@"<script\b[^>]*>")]
    private static partial Regex ScriptTag();

    [GeneratedRegex("frame-ancestors")]
    private static partial Regex FrameAncestors();
}
