using ChoriaDashboard.Components;
using ChoriaDashboard.Components.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting.SignIn;

/// <summary>
/// <c>/login</c>, <c>/logout</c>, <c>/signed-out</c> and <c>/access-denied</c>: anonymous, rendered on the server
/// without a circuit (<see cref="SignInPage"/>).
/// </summary>
public static partial class SignInEndpoints
{
    public const string LoginPath = "/login";

    public const string LogoutPath = "/logout";

    public const string SignedOutPath = "/signed-out";

    public const string AccessDeniedPath = "/access-denied";

    public const string ErrorPath = "/error";

    /// <summary>The query parameter of a sign-in link carrying the browser token: <c>/login?t=…</c>.</summary>
    public const string TokenParameter = "t";

    public const string ReturnUrlParameter = "ReturnUrl";

    /// <summary>Maps the sign-in endpoints, anonymous, onto <paramref name="ui"/>.</summary>
    public static void MapSignIn(this IEndpointRouteBuilder ui)
    {
        ui.MapGet(LoginPath, LoginAsync).AllowAnonymous();
        ui.MapPost(LoginPath, LoginWithFormAsync).AllowAnonymous();
        ui.MapPost(LogoutPath, LogoutAsync).AllowAnonymous();
        ui.MapGet(SignedOutPath, () => Page(SignInPageKind.SignedOut, StatusCodes.Status200OK)).AllowAnonymous();
        ui.MapGet(AccessDeniedPath, AccessDenied).AllowAnonymous();
        // The exception handler's page, for any method it re-executes: static and anonymous, so a failure never shows
        // the fleet to someone who is not signed in, nor sends them into a circuit they cannot open.
        // Its status is the failure's (500) when the exception handler re-executes it, 200 when someone opens it.
        ui.Map(ErrorPath, () => Page(SignInPageKind.ServerError, status: null)).AllowAnonymous();
    }

    private static async Task<IResult> LoginAsync(
        HttpContext context,
        IOptionsMonitor<AuthOptions> options,
        BrowserTokenSource browserToken,
        ILoggerFactory loggers,
        [FromQuery(Name = TokenParameter)] string? token,
        [FromQuery(Name = ReturnUrlParameter)] string? returnUrl)
    {
        var target = SafeReturnUrl(returnUrl);
        switch (options.CurrentValue.Mode)
        {
            case AuthMode.Unsecured:
                return Results.LocalRedirect(target);
            case AuthMode.OpenIdConnect:
                return Results.Challenge(new AuthenticationProperties { RedirectUri = target }, [SignInSchemes.OpenIdConnect]);
        }

        if (token is null)
        {
            return Page(SignInPageKind.Form, StatusCodes.Status200OK, returnUrl: target);
        }

        // A sign-in link is opened in the address bar or followed as a link. Fetched by a foreign page (an <img>,
        // fetch()) it must not sign the browser in, whatever cookie rules the browser applies.
        if (IsCrossSiteSubresource(context.Request))
        {
            return Results.Problem(title: "Forbidden", detail: "Open the sign-in link in the browser's address bar.", statusCode: StatusCodes.Status403Forbidden);
        }

        return await SignInWithTokenAsync(context, browserToken, loggers, token, target);
    }

    private static async Task<IResult> LoginWithFormAsync(
        HttpContext context,
        IOptionsMonitor<AuthOptions> options,
        BrowserTokenSource browserToken,
        ILoggerFactory loggers,
        [FromForm(Name = "token")] string? token,
        [FromForm(Name = "returnUrl")] string? returnUrl)
    {
        var target = SafeReturnUrl(returnUrl);
        if (options.CurrentValue.Mode != AuthMode.BrowserToken)
        {
            return Results.LocalRedirect($"{LoginPath}?{ReturnUrlParameter}={Uri.EscapeDataString(target)}");
        }

        return await SignInWithTokenAsync(context, browserToken, loggers, token ?? "", target);
    }

    private static async Task<IResult> SignInWithTokenAsync(HttpContext context, BrowserTokenSource browserToken, ILoggerFactory loggers, string token, string target)
    {
        var logger = loggers.CreateLogger(typeof(SignInEndpoints));
        if (!Secrets.Matches(token, browserToken.Token))
        {
            LogRefused(logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return Page(SignInPageKind.Form, StatusCodes.Status401Unauthorized, returnUrl: target, error: "That token is not the dashboard's sign-in token. Use the sign-in link the dashboard logged at start.");
        }

        await context.SignInAsync(SignInSchemes.Cookie, SignInPrincipals.BrowserToken(browserToken.Token), new AuthenticationProperties { IsPersistent = true });
        LogSignedIn(logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        return Results.LocalRedirect(target);
    }

    // The form binding makes the framework require the form's antiforgery token, so a foreign page cannot sign anyone out.
    private static async Task<IResult> LogoutAsync(HttpContext context, IOptionsMonitor<AuthOptions> options, [FromForm(Name = "returnUrl")] string? returnUrl)
    {
        _ = returnUrl;
        var method = context.User.FindFirst(DashboardClaims.Method)?.Value;
        if (options.CurrentValue.Mode == AuthMode.OpenIdConnect && method == DashboardClaims.OpenIdConnectMethod && await ProviderEndsSessionsAsync(context))
        {
            return Results.SignOut(new AuthenticationProperties { RedirectUri = SignedOutPath }, [SignInSchemes.Cookie, SignInSchemes.OpenIdConnect]);
        }

        await context.SignOutAsync(SignInSchemes.Cookie);
        return Results.LocalRedirect(SignedOutPath);
    }

    /// <summary>
    /// Whether the provider offers RP-initiated logout (an <c>end_session_endpoint</c>): without one (Google, for one)
    /// the handler's sign-out throws, and the dashboard's own sign-out must still happen.
    /// </summary>
    private static async Task<bool> ProviderEndsSessionsAsync(HttpContext context)
    {
        var oidc = context.RequestServices.GetRequiredService<IOptionsMonitor<Microsoft.AspNetCore.Authentication.OpenIdConnect.OpenIdConnectOptions>>().Get(SignInSchemes.OpenIdConnect);
        try
        {
            var metadata = oidc.ConfigurationManager is null ? null : await oidc.ConfigurationManager.GetConfigurationAsync(context.RequestAborted);
            return !string.IsNullOrEmpty(metadata?.EndSessionEndpoint);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException)
        {
            return false; // the provider cannot be reached: sign out here at least
        }
    }

    private static IResult AccessDenied(HttpContext context, IOptionsMonitor<AuthOptions> options) =>
        context.User.Identity?.IsAuthenticated == true
            ? Page(SignInPageKind.AccessDenied, StatusCodes.Status403Forbidden, userName: context.User.Identity.Name, error: SignInPrincipals.DeniedReason(context.User, options.CurrentValue))
            : Results.LocalRedirect(LoginPath);

    /// <summary>
    /// Ends the provider's callback: signs in, then answers with a same-origin page that navigates on to the page asked
    /// for, instead of a redirect. Chromium does not send a SameSite=Strict cookie on a redirect chain a cross-site page
    /// (the provider) started, so a redirect would land signed out and loop back to the provider; it does on a
    /// navigation the dashboard's own page starts. A meta refresh needs no script, so it works under the CSP.
    /// </summary>
    internal static async Task ContinueOnSameSitePageAsync(TicketReceivedContext context)
    {
        await context.HttpContext.SignInAsync(SignInSchemes.Cookie, context.Principal!, context.Properties);
        context.HttpContext.Response.Headers.CacheControl = "no-store";
        await Page(SignInPageKind.Continue, StatusCodes.Status200OK, returnUrl: SafeReturnUrl(context.ReturnUri)).ExecuteAsync(context.HttpContext);
        context.HandleResponse();
    }

    /// <summary>A failed sign-in at the provider (denied consent, an expired or replayed callback): said, with a way to retry.</summary>
    internal static async Task RemoteFailureAsync(HttpContext context, Exception? failure)
    {
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SignInEndpoints));
        LogProviderFailure(logger, failure?.Message ?? "unknown");
        await Page(SignInPageKind.ProviderFailed, StatusCodes.Status400BadRequest, error: failure?.Message).ExecuteAsync(context);
    }

    private static bool IsCrossSiteSubresource(HttpRequest request) =>
        request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site"
        && request.Headers["Sec-Fetch-Mode"].ToString() != "navigate";

    /// <summary>A local path to go back to after sign-in: anything else (another host, <c>//host</c>, <c>/\host</c>) becomes <c>/</c>.</summary>
    internal static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && RedirectHttpResult.IsLocalUrl(returnUrl) && !returnUrl.StartsWith("/login", StringComparison.OrdinalIgnoreCase) ? returnUrl : "/";

    private static RazorComponentResult<SignInPage> Page(SignInPageKind kind, int? status, string? returnUrl = null, string? error = null, string? userName = null) =>
        new(new Dictionary<string, object?>
        {
            [nameof(SignInPage.Kind)] = kind,
            [nameof(SignInPage.ReturnUrl)] = returnUrl,
            [nameof(SignInPage.Error)] = error,
            [nameof(SignInPage.UserName)] = userName,
        })
        { StatusCode = status };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in at the OpenID Connect provider failed: {Reason}")]
    private static partial void LogProviderFailure(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "A browser signed in with the browser token from {RemoteAddress}")]
    private static partial void LogSignedIn(ILogger logger, string remoteAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a sign-in with a wrong browser token from {RemoteAddress}")]
    private static partial void LogRefused(ILogger logger, string remoteAddress);
}
