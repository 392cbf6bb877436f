using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using ChoriaDashboard.TestKit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ChoriaDashboard.EndToEnd;

/// <summary>How the recipe app signs in: the settings a test varies to show which ones matter.</summary>
internal sealed record OidcRecipeVariant
{
    /// <summary>The app's own auth cookie.</summary>
    public SameSiteMode AuthCookieSameSite { get; init; } = SameSiteMode.Lax;

    /// <summary>Answer the provider's callback with a same-origin page that navigates on, instead of a redirect.</summary>
    public bool ContinuePage { get; init; }

    /// <summary>Leave the correlation and nonce cookies as the framework sets them (SameSite=None, always Secure).</summary>
    public bool FrameworkCookieDefaults { get; init; }

    /// <summary>How the provider returns the code: <c>query</c> (a redirect) or <c>form_post</c> (a cross-site POST).</summary>
    public string ResponseMode { get; init; } = OpenIdConnectResponseMode.Query;

    /// <summary>
    /// The host the browser reaches the app by. <see cref="OidcRecipeApp.PlainHttpHost"/> (the default) is neither
    /// loopback nor https, as an operator's plain-http deployment looks to the browser, and another site than the
    /// provider's 127.0.0.1; 127.0.0.2 is another site on loopback; 127.0.0.1 is the provider's own site.
    /// </summary>
    public string Host { get; init; } = OidcRecipeApp.PlainHttpHost;
}

/// <summary>
/// A minimal web app signed in through OpenID Connect with cookies, on plain http, against a real provider: the recipe
/// the dashboard's OpenIdConnect mode follows, tried in Chromium. <c>/</c> needs a signed-in user and shows the name and
/// groups; <c>/admin</c> needs the group; <c>/signout</c> signs out of the app and the provider.
/// </summary>
internal sealed class OidcRecipeApp : IAsyncDisposable
{
    /// <summary>Chromium resolves this name to 127.0.0.2 (see <see cref="BrowserFixture"/>).</summary>
    public const string PlainHttpHost = BrowserFixture.PlainHttpHost;
    public const string AdminGroup = "choria-admins";
    public const string SignedOutPath = "/signed-out";
    private const string ContentSecurityPolicy = "default-src 'self'; script-src 'self'; base-uri 'none'; frame-ancestors 'none'";

    private readonly WebApplication _app;
    private OidcProvider? _provider;

    private OidcRecipeApp(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = default!;

    public OidcProvider Provider => _provider ?? throw new InvalidOperationException("not started");

    /// <summary>Starts the app, then the provider that knows its callback addresses, for the logins and groups given.</summary>
    public static async Task<OidcRecipeApp> StartAsync(OidcRecipeVariant variant, IReadOnlyDictionary<string, IReadOnlyList<string>> groups)
    {
        var builder = WebApplication.CreateSlimBuilder();
        var listenOn = variant.Host == PlainHttpHost ? BrowserFixture.PlainHttpHostAddress : variant.Host;
        builder.WebHost.UseUrls($"http://{listenOn}:0");
        builder.Logging.ClearProviders();
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddAuthorization();
        OidcRecipeApp? self = null;
        builder.Services
            .AddAuthentication(options =>
            {
                options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(options =>
            {
                options.Cookie.Name = "recipe-auth";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = variant.AuthCookieSameSite;
                options.AccessDeniedPath = "/denied";
            })
            .AddOpenIdConnect(options =>
            {
                // Options are built at the first request, after StartAsync has started the provider.
                var provider = self!.Provider;
                options.Authority = provider.Authority;
                options.ClientId = provider.ClientId;
                options.ClientSecret = provider.ClientSecret;
                Recipe(options);
                options.ResponseMode = variant.ResponseMode;
                if (variant.FrameworkCookieDefaults)
                {
                    options.CorrelationCookie.SameSite = SameSiteMode.None;
                    options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.Always;
                    options.NonceCookie.SameSite = SameSiteMode.None;
                    options.NonceCookie.SecurePolicy = CookieSecurePolicy.Always;
                }

                if (variant.ContinuePage)
                {
                    options.Events.OnTicketReceived = ContinueOnSameSitePageAsync;
                }

                options.Events.OnRemoteFailure = async context =>
                {
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    context.Response.ContentType = "text/html; charset=utf-8";
                    await context.Response.WriteAsync(Page("Sign-in failed", $"<p id=\"failure\">sign-in failed: {Encode(context.Failure?.Message ?? "")}</p>"));
                    context.HandleResponse();
                };
            });

        var app = builder.Build();
        self = new OidcRecipeApp(app);
        app.Use(async (context, next) =>
        {
            context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
            await next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/", (ClaimsPrincipal user) => Html(Page("Signed in", Describe(user)))).RequireAuthorization();
        app.MapGet("/admin", (ClaimsPrincipal user) => Html(Page("Admin", $"<p id=\"admin\">admin page for {Encode(user.Identity?.Name ?? "")}</p>")))
            .RequireAuthorization(policy => policy.RequireClaim("groups", AdminGroup));
        app.MapGet("/denied", () => Html(Page("Access denied", "<p id=\"denied\">access denied</p>")));
        app.MapGet("/signout", () => Results.SignOut(
            new AuthenticationProperties { RedirectUri = SignedOutPath },
            [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]));
        app.MapGet(SignedOutPath, (ClaimsPrincipal user) => Html(Page(
            "Signed out",
            $"<p id=\"signed-out\">signed out</p><p id=\"authenticated\">{(user.Identity?.IsAuthenticated == true ? "authenticated" : "anonymous")}</p>")));

        await app.StartAsync();
        self.Address = new UriBuilder(app.Urls.Single()) { Host = variant.Host }.Uri;
        try
        {
            self._provider = await OidcProvider.StartAsync(
                [new Uri(self.Address, "/signin-oidc").ToString()],
                [new Uri(self.Address, "/signout-callback-oidc").ToString()],
                groups);
        }
        catch
        {
            await self.DisposeAsync();
            throw;
        }

        return self;
    }

    /// <summary>
    /// The OpenIdConnect settings that work on plain http in Chromium (and behind HTTPS). The framework marks the
    /// correlation and nonce cookies SameSite=None and always Secure: an http page that is not loopback cannot set a
    /// Secure cookie, and Chromium drops SameSite=None without Secure, so they become Secure only over https, and Lax.
    /// Then the code must come back in the query (a redirect, a top-level GET that carries Lax cookies), not by
    /// form_post (a cross-site POST, which does not). PKCE, the provider's claim names kept as they are, the ID token
    /// kept for the id_token_hint of sign-out.
    /// </summary>
    public static void Recipe(OpenIdConnectOptions options)
    {
        options.RequireHttpsMetadata = false; // only because the test provider is on http; true in production
        options.ResponseType = "code";
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.Scope.Clear();
        options.Scope.Add("openid");
        options.Scope.Add("profile");
        options.Scope.Add("email");
        options.MapInboundClaims = false;
        options.TokenValidationParameters.NameClaimType = "name";
        options.TokenValidationParameters.RoleClaimType = "groups";
        options.GetClaimsFromUserInfoEndpoint = false; // the ID token carries name and groups
        options.SaveTokens = true; // the id_token_hint of RP-initiated logout
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
    }

    /// <summary>
    /// Signs in as the handler would, then answers the callback with a tiny same-origin page that navigates on, instead
    /// of a redirect: Chromium does not send a SameSite=Strict cookie on a redirect chain a cross-site page started, but
    /// does on a navigation the app's own page starts. A meta refresh needs no script, so it works under script-src 'self'.
    /// </summary>
    public static async Task ContinueOnSameSitePageAsync(TicketReceivedContext context)
    {
        await context.HttpContext.SignInAsync(context.Options.SignInScheme, context.Principal!, context.Properties);
        var target = IsLocalPath(context.ReturnUri) ? context.ReturnUri! : "/";
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(Page(
            "Signing in",
            $"<p><a id=\"continue\" href=\"{Encode(target)}\">Continue</a></p>",
            $"<meta http-equiv=\"refresh\" content=\"0;url={Encode(target)}\">"));
        context.HandleResponse();
    }

    public async ValueTask DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static bool IsLocalPath(string? uri) =>
        uri is { Length: > 0 } && uri[0] == '/' && (uri.Length == 1 || (uri[1] != '/' && uri[1] != '\\'));

    private static string Describe(ClaimsPrincipal user)
    {
        var groups = user.FindAll("groups").Select(c => c.Value).ToList();
        var member = groups.Contains(AdminGroup)
            ? $"member of {AdminGroup}"
            : $"not a member of {AdminGroup}";
        return $"<p id=\"name\">{Encode(user.Identity?.Name ?? "")}</p>" +
            $"<p id=\"groups\">{Encode(string.Join(",", groups))}</p>" +
            $"<p id=\"member\">{Encode(member)}</p>";
    }

    private static IResult Html(string page) => Results.Content(page, "text/html; charset=utf-8", null, (int)HttpStatusCode.OK);

    private static string Page(string title, string body, string head = "") =>
        $"<!DOCTYPE html><html><head><meta charset=\"utf-8\">{head}<title>{Encode(title)}</title></head><body>{body}</body></html>";

    private static string Encode(string text) => HtmlEncoder.Default.Encode(text);
}
