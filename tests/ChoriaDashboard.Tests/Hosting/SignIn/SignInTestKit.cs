using System.Net;
using System.Text.RegularExpressions;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace ChoriaDashboard.Tests.Hosting.SignIn;

/// <summary>The real app in a sign-in mode, with known secrets, and clients that see redirects and keep cookies.</summary>
public static partial class SignInTestKit
{
    public const string BrowserToken = "browser-token-0123456789abcdef";
    public const string ApiKey = "api-key-0123456789abcdef-primary";
    public const string WallToken = "wall-token-0123456789abcdef-ops";

    /// <param name="kestrel">On a real Kestrel port (<see cref="DashboardFactory.ServerAddress"/>), for WebSocket clients.</param>
    public static DashboardFactory App(string natsUrl, string mode = "BrowserToken", IDictionary<string, string?>? more = null, bool kestrel = false)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:Mode"] = mode,
            ["Auth:BrowserToken"] = BrowserToken,
            ["Auth:ApiKeys:0:Name"] = "automation",
            ["Auth:ApiKeys:0:Key"] = ApiKey,
            ["Auth:WallTokens:0:Name"] = "ops-room",
            ["Auth:WallTokens:0:Token"] = WallToken,
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new DashboardFactory(natsUrl, settings, kestrel);
    }

    /// <summary>A client that keeps cookies and does not follow redirects, so a test sees where it is sent.</summary>
    public static HttpClient Browser(DashboardFactory app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static async Task<HttpClient> SignedInBrowserAsync(DashboardFactory app)
    {
        var http = Browser(app);
        using var response = await http.GetAsync(new Uri($"/login?t={BrowserToken}", UriKind.Relative));
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"sign-in answered {response.StatusCode}");
        }

        return http;
    }

    public static async Task<HttpClient> WallScreenAsync(DashboardFactory app)
    {
        var http = Browser(app);
        using var response = await http.GetAsync(new Uri($"/wall?token={WallToken}", UriKind.Relative));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"the wall link answered {response.StatusCode}");
        }

        return http;
    }

    /// <summary>Changes a setting in the running app, as an edited appsettings.json would (options reload).</summary>
    public static void Reconfigure(DashboardFactory app, string key, string? value)
    {
        var root = (IConfigurationRoot)app.Services.GetRequiredService<IConfiguration>();
        root.Providers.OfType<MemoryConfigurationProvider>().Last().Set(key, value);
        root.Reload();
    }

    /// <summary>The antiforgery field of a rendered form.</summary>
    public static string AntiforgeryField(string html)
    {
        var match = AntiforgeryPattern().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("no antiforgery field in the page");
    }

    public static Uri Path(string path) => new(path, UriKind.Relative);

    [GeneratedRegex(@"name=""__RequestVerificationToken""[^>]*value=""([^""]+)""")]
    private static partial Regex AntiforgeryPattern();
}
