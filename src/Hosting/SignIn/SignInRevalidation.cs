using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting.SignIn;

/// <summary>
/// Checks an open page's sign-in every <c>Auth:RevalidationInterval</c>: a circuit lives for days on a wallboard and
/// sends no request in that time, so without this a revoked wall token would keep its screen showing the fleet. When
/// the sign-in no longer holds, the page's authorization fails and it reloads, so the request pipeline decides.
/// </summary>
internal sealed class SignInRevalidation(ILoggerFactory loggerFactory, IOptionsMonitor<AuthOptions> options, BrowserTokenSource browserToken, TimeProvider time)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => options.CurrentValue.RevalidationInterval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var user = authenticationState.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return Task.FromResult(true);
        }

        // Unsecured users are not kept in a cookie: nothing to revoke in a circuit's lifetime but the mode.
        if (user.HasClaim(Components.DashboardClaims.Method, Components.DashboardClaims.UnsecuredMethod))
        {
            return Task.FromResult(options.CurrentValue.Mode == AuthMode.Unsecured);
        }

        return Task.FromResult(ReferenceEquals(SignInPrincipals.Revalidate(user, options.CurrentValue, browserToken.Token, time.GetUtcNow()), user));
    }
}
