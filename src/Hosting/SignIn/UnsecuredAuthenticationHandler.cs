using System.Security.Claims;
using System.Text.Encodings.Web;
using ChoriaDashboard.Components;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting.SignIn;

/// <summary><c>Auth:Mode=Unsecured</c>: every request is a viewer named "anonymous", marked so pages can warn.</summary>
internal sealed class UnsecuredAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private static readonly ClaimsPrincipal Anonymous = new(new ClaimsIdentity(
        [
            new Claim(DashboardClaims.Name, "anonymous"),
            new Claim(DashboardClaims.Access, DashboardPolicies.Viewer),
            new Claim(DashboardClaims.Method, DashboardClaims.UnsecuredMethod),
        ],
        SignInSchemes.Unsecured,
        DashboardClaims.Name,
        DashboardClaims.Access));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
        Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(Anonymous, Scheme.Name)));
}
