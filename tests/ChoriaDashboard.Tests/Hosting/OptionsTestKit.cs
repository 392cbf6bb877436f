using ChoriaDashboard.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace ChoriaDashboard.Tests.Hosting;

/// <summary>What the options tests share: the default subjects and the app's registration over a given configuration.</summary>
internal static class OptionsTestKit
{
    public static readonly string[] DefaultSubjects = ["choria.lifecycle.event.>", "choria.machine.transition", "choria.machine.watcher.*.state"];

    /// <summary>The app's own registration over nothing but the given configuration (no appsettings, environment or secrets).</summary>
    public static WebApplication Build(Dictionary<string, string?> config, Action<IConfigurationBuilder>? addSources = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration.Sources.Clear();
        addSources?.Invoke(builder.Configuration);
        builder.Configuration.AddInMemoryCollection(config);
        builder.AddChoriaDashboard();
        return builder.Build();
    }
}
