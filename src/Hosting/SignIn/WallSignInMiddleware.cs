using ChoriaDashboard.Components;
using ChoriaDashboard.Components.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting.SignIn;

/// <summary>
/// Signs a screen in from a wallboard link, <c>/wall?token=…</c> (with any of the wall's own options beside it): a
/// token from <c>Auth:WallTokens</c> makes a read-only wall user, kept in the sign-in cookie. The token stays in the
/// link on purpose: a board that reloads after an app restart signs in again from its own address, even if the
/// cookie's keys were lost, and never lands on a sign-in page. A viewer who opens the link stays a viewer.
/// </summary>
internal sealed partial class WallSignInMiddleware(RequestDelegate next, IOptionsMonitor<AuthOptions> options, ILogger<WallSignInMiddleware> logger)
{
    /// <summary>The wall's path and the query parameter carrying its token.</summary>
    public static readonly PathString WallPath = "/wall";

    public const string TokenParameter = "token";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method)
            || !IsWall(context.Request.Path)
            || !context.Request.Query.TryGetValue(TokenParameter, out var presented)
            || context.User.HasClaim(DashboardClaims.Access, DashboardPolicies.Viewer))
        {
            await next(context);
            return;
        }

        WallTokenSettings? match = null;
        foreach (var token in options.CurrentValue.WallTokens)
        {
            if (Secrets.Matches(presented.ToString(), token.Token))
            {
                match = token;
            }
        }

        if (match is null)
        {
            LogRefused(logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            // A refused link must not fall back to an older wall sign-in in the cookie: the link is what the screen shows.
            await context.SignOutAsync(SignInSchemes.Cookie);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await new RazorComponentResult<SignInPage>(new { Kind = SignInPageKind.InvalidWallLink }) { StatusCode = StatusCodes.Status401Unauthorized }.ExecuteAsync(context);
            return;
        }

        var user = SignInPrincipals.WallToken(match.Name!, match.Token!);
        if (!context.User.HasClaim(DashboardClaims.WallToken, user.FindFirst(DashboardClaims.WallToken)!.Value))
        {
            await context.SignInAsync(SignInSchemes.Cookie, user);
            LogSignedIn(logger, match.Name!, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        }

        context.User = user;
        await next(context);
    }

    /// <summary>The wall's path as routing matches it: any case, with or without a trailing slash.</summary>
    private static bool IsWall(PathString path) =>
        path.Value is { } value && string.Equals(value.TrimEnd('/'), WallPath.Value, StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Information, Message = "A wall screen signed in with the wall token {Name} from {RemoteAddress}")]
    private static partial void LogSignedIn(ILogger logger, string name, string remoteAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a wallboard link whose token is not in Auth:WallTokens, from {RemoteAddress}")]
    private static partial void LogRefused(ILogger logger, string remoteAddress);
}
