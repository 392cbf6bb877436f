using ChoriaDashboard.Components;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ChoriaDashboard.Hosting.SignIn;

/// <summary>
/// Sign-in, registered once: the schemes (cookie, OpenID Connect, API key, unsecured) behind one default scheme that
/// picks per request, the two policies of <see cref="DashboardPolicies"/> (the wall policy as the fallback, so an
/// endpoint nobody marked is never public), the cookie's keys and the circuit's revalidation. The mode is read from
/// <c>Auth</c> when a request needs it (OpenID Connect is registered only in its mode), so a bad value is reported by
/// the validator at start, not thrown here.
/// </summary>
public static class SignInRegistration
{
    public static IServiceCollection AddDashboardSignIn(this IServiceCollection services, IConfiguration config)
    {
        services.AddValidatedOptions<AuthOptions, AuthOptionsValidator>(config, AuthOptions.Section);
        services.AddSingleton<BrowserTokenSource>();
        services.AddHostedService<SignInAnnouncer>();

        var authentication = services.AddAuthentication(SignInSchemes.Dashboard)
            .AddPolicyScheme(SignInSchemes.Dashboard, "Dashboard", _ => { })
            .AddCookie(SignInSchemes.Cookie)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(SignInSchemes.ApiKey, _ => { })
            .AddScheme<AuthenticationSchemeOptions, UnsecuredAuthenticationHandler>(SignInSchemes.Unsecured, _ => { });
        // Only in its mode: the handler looks at every request for its callback, and needs a provider to do so.
        if (Enum.TryParse<AuthMode>(config[$"{AuthOptions.Section}:{nameof(AuthOptions.Mode)}"], ignoreCase: true, out var mode) && mode == AuthMode.OpenIdConnect)
        {
            authentication.AddOpenIdConnect(SignInSchemes.OpenIdConnect, _ => { });
        }

        services.AddOptions<PolicySchemeOptions>(SignInSchemes.Dashboard).Configure<IOptionsMonitor<AuthOptions>>(ConfigureDashboardScheme);
        services.AddOptions<CookieAuthenticationOptions>(SignInSchemes.Cookie).Configure<IOptionsMonitor<AuthOptions>, BrowserTokenSource, TimeProvider>(ConfigureCookie);
        services.AddOptions<OpenIdConnectOptions>(SignInSchemes.OpenIdConnect).Configure<IOptions<AuthOptions>>((o, auth) => ConfigureOpenIdConnect(o, auth.Value.OpenIdConnect));

        services.AddAuthorizationBuilder()
            .AddPolicy(DashboardPolicies.Viewer, p => p.RequireAuthenticatedUser().RequireClaim(DashboardClaims.Access, DashboardPolicies.Viewer))
            .AddPolicy(DashboardPolicies.Wall, p => p.RequireAuthenticatedUser().RequireClaim(DashboardClaims.Access, DashboardPolicies.Viewer, DashboardPolicies.Wall))
            // The API-key scheme alone: a cookie (or Unsecured mode) never counts, so without a key the answer is 401.
            .AddPolicy(DashboardPolicies.EventSender, p => p.AddAuthenticationSchemes(SignInSchemes.ApiKey).RequireAuthenticatedUser().RequireClaim(DashboardClaims.Access, DashboardPolicies.EventSender))
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim(DashboardClaims.Access, DashboardPolicies.Viewer, DashboardPolicies.Wall).Build());

        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, SignInRevalidation>();

        services.AddDataProtection().SetApplicationName("ChoriaDashboard");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<AuthOptions>, ILoggerFactory>((o, auth, loggers) =>
        {
            if (!string.IsNullOrEmpty(auth.Value.KeysDirectory))
            {
                o.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(auth.Value.KeysDirectory), loggers);
            }
        });
        return services;
    }

    /// <summary>
    /// Authentication, then wall links, then authorization: a wall link must sign its screen in before the wall page's
    /// authorization runs.
    /// </summary>
    public static IApplicationBuilder UseDashboardSignIn(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        app.UseMiddleware<WallSignInMiddleware>();
        app.UseAuthorization();
        return app;
    }

    private static void ConfigureDashboardScheme(PolicySchemeOptions o, IOptionsMonitor<AuthOptions> auth) =>
        // An API key counts on machines' paths only (/api, /export, /hubs): it never opens a page or a circuit. Any
        // other request is a browser's (the cookie, or everyone in Unsecured mode). Machines' paths answer 401/403
        // instead of the cookie's redirects (ConfigureCookie).
        o.ForwardDefaultSelector = context => ApiKeyAuthenticationHandler.Carries(context.Request) && SignInSchemes.IsMachinePath(context.Request.Path)
            ? SignInSchemes.ApiKey
            : auth.CurrentValue.Mode == AuthMode.Unsecured ? SignInSchemes.Unsecured : SignInSchemes.Cookie;

    private static void ConfigureCookie(CookieAuthenticationOptions o, IOptionsMonitor<AuthOptions> auth, BrowserTokenSource browserToken, TimeProvider time)
    {
        o.Cookie.Name = SignInSchemes.CookieName;
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Strict;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.ExpireTimeSpan = auth.CurrentValue.CookieLifetime;
        o.SlidingExpiration = true;
        o.LoginPath = SignInEndpoints.LoginPath;
        o.LogoutPath = SignInEndpoints.LogoutPath;
        o.AccessDeniedPath = SignInEndpoints.AccessDeniedPath;
        o.ReturnUrlParameter = SignInEndpoints.ReturnUrlParameter;
        o.Events.OnRedirectToLogin = context => MachineAnswerOrRedirect(context, StatusCodes.Status401Unauthorized);
        o.Events.OnRedirectToAccessDenied = context => MachineAnswerOrRedirect(context, StatusCodes.Status403Forbidden);
        o.Events.OnValidatePrincipal = async context =>
        {
            if (context.Principal is null)
            {
                return;
            }

            var now = SignInPrincipals.Revalidate(context.Principal, auth.CurrentValue, browserToken.Token, time.GetUtcNow());
            if (now is null)
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(SignInSchemes.Cookie);
            }
            else if (!ReferenceEquals(now, context.Principal))
            {
                context.ReplacePrincipal(now);
                context.ShouldRenew = true;
            }
        };
    }

    /// <summary>A machine's path gets a problem response with <paramref name="status"/>; a page, the redirect.</summary>
    private static Task MachineAnswerOrRedirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (!SignInSchemes.IsMachinePath(context.Request.Path))
        {
            context.Response.Redirect(context.RedirectUri);
            return Task.CompletedTask;
        }

        return SignInSchemes.WriteMachineRefusalAsync(context.HttpContext, status);
    }

    /// <summary>
    /// The code flow with PKCE, on plain http as behind HTTPS. The framework marks its correlation and nonce cookies
    /// SameSite=None and always Secure: a plain-http page off loopback cannot set them and sign-in ends in "correlation
    /// failed". They are Lax and Secure over https only; so the code comes back in the query (a top-level GET, which
    /// carries Lax cookies), not by form_post (a cross-site POST, which does not). Proved in Chromium against a real
    /// provider (tests/oidc-provider, <c>OidcSignInTests</c>).
    /// </summary>
    private static void ConfigureOpenIdConnect(OpenIdConnectOptions o, OpenIdConnectSettings settings)
    {
        o.Authority = settings.Authority;
        o.ClientId = settings.ClientId;
        o.ClientSecret = string.IsNullOrEmpty(settings.ClientSecret) ? null : settings.ClientSecret;
        o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
        o.SignInScheme = SignInSchemes.Cookie;
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.ResponseMode = OpenIdConnectResponseMode.Query;
        o.UsePkce = true;
        o.SaveTokens = true; // the id_token_hint of sign-out at the provider
        o.MapInboundClaims = false;
        o.Scope.Clear();
        foreach (var scope in new[] { "openid", "profile", "email" }.Concat(settings.Scopes).Distinct(StringComparer.Ordinal))
        {
            o.Scope.Add(scope);
        }

        // Some providers put groups only in the user info; keep the claims the dashboard reads from there too.
        o.GetClaimsFromUserInfoEndpoint = true;
        o.ClaimActions.MapJsonKey(settings.NameClaim, settings.NameClaim);
        if (!string.IsNullOrEmpty(settings.RequiredClaim.Type))
        {
            o.ClaimActions.MapJsonKey(settings.RequiredClaim.Type, settings.RequiredClaim.Type);
        }

        // The handler drops "exp" from the user by default; the dashboard keeps it to end the sign-in with the token.
        o.ClaimActions.Remove("exp");
        o.TokenValidationParameters.NameClaimType = DashboardClaims.Name;
        o.TokenValidationParameters.RoleClaimType = DashboardClaims.Access;
        o.CorrelationCookie.SameSite = SameSiteMode.Lax;
        o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.NonceCookie.SameSite = SameSiteMode.Lax;
        o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.SignedOutRedirectUri = SignInEndpoints.SignedOutPath;
        o.Events.OnTicketReceived = async context =>
        {
            context.Principal = SignInPrincipals.OpenIdConnect(context.Principal!, settings);
            await SignInEndpoints.ContinueOnSameSitePageAsync(context);
        };
        o.Events.OnRemoteFailure = async context =>
        {
            await SignInEndpoints.RemoteFailureAsync(context.HttpContext, context.Failure);
            context.HandleResponse();
        };
    }
}
