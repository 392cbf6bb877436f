using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChoriaDashboard.Tests.Infrastructure;

/// <summary>The real app, its real pipeline, pointed at a test nats-server; optionally on a real Kestrel port for a browser.</summary>
public sealed class DashboardFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="services">Changes to the app's services after its own registrations (e.g. a test reader of the fleet).</param>
    public DashboardFactory(string natsUrl, IDictionary<string, string?>? settings = null, bool kestrel = false, Action<IServiceCollection>? services = null)
    {
        _services = services;
        _settings = new Dictionary<string, string?>
        {
            ["Nats:Url"] = natsUrl,
            ["Ui:UpdateInterval"] = "00:00:00.100",
            ["Fleet:SweepInterval"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
            // Tests of what the app shows run open; tests of sign-in (Hosting/SignIn) set their own mode.
            ["Auth:Mode"] = "Unsecured",
            // The pages' warm-up before /readyz (on when shipped) is for WarmUpTests: every other test would wait for it
            // and pay its rendering, dozens of apps at once in the suite.
            ["Hosting:WarmUp:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        if (kestrel)
        {
            UseKestrel(0);
        }
    }

    /// <summary>The Kestrel address (after <see cref="WebApplicationFactory{T}.StartServer"/>).</summary>
    public Uri ServerAddress =>
        new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }
}
