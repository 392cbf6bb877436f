using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting.SignIn;

/// <summary>
/// Says at start, in one log line, how to sign in: in <see cref="AuthMode.BrowserToken"/> mode the sign-in link (with
/// the token when it was made at start; with a placeholder when it is configured, as a configured secret is never
/// logged); in <see cref="AuthMode.Unsecured"/> mode a warning that anyone reaching the port sees the fleet.
/// </summary>
internal sealed partial class SignInAnnouncer(
    IHostApplicationLifetime lifetime,
    IServer server,
    IOptions<AuthOptions> options,
    BrowserTokenSource browserToken,
    ILogger<SignInAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Announce);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The address people reach: a wildcard listening address (<c>0.0.0.0</c>, <c>[::]</c>, <c>+</c>, <c>*</c>) as <c>localhost</c>.</summary>
    internal static string PublicAddress(string listening)
    {
        var address = listening.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal);
        if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && (uri.Host is "0.0.0.0" or "[::]" or "::"))
        {
            address = new UriBuilder(uri) { Host = "localhost" }.Uri.GetLeftPart(UriPartial.Authority);
        }

        return address.TrimEnd('/');
    }

    private void Announce()
    {
        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:8080";
        var address = PublicAddress(listening);
        switch (options.Value.Mode)
        {
            case AuthMode.BrowserToken when browserToken.Generated:
                LogBrowserToken(logger, $"{address}{SignInEndpoints.LoginPath}?{SignInEndpoints.TokenParameter}={browserToken.Token}");
                break;
            case AuthMode.BrowserToken:
                LogBrowserToken(logger, $"{address}{SignInEndpoints.LoginPath}?{SignInEndpoints.TokenParameter}=<Auth:BrowserToken>");
                break;
            case AuthMode.OpenIdConnect:
                LogOpenIdConnect(logger, address, options.Value.OpenIdConnect.Authority ?? "");
                break;
            case AuthMode.Unsecured:
                LogUnsecured(logger, address);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sign in to the dashboard at {SignInLink}")]
    private static partial void LogBrowserToken(ILogger logger, string signInLink);

    [LoggerMessage(Level = LogLevel.Information, Message = "The dashboard at {Address} signs people in at {Authority}")]
    private static partial void LogOpenIdConnect(ILogger logger, string address, string authority);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auth:Mode is Unsecured: anyone who can reach {Address} sees the whole fleet. Use BrowserToken or OpenIdConnect outside a lab.")]
    private static partial void LogUnsecured(ILogger logger, string address);
}
