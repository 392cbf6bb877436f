using System.Text.Json;
using ChoriaDashboard.Hosting.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;
using static ChoriaDashboard.Tests.Hosting.OptionsTestKit;

namespace ChoriaDashboard.Tests.Hosting.Security;

/// <summary>The <c>Security</c> section as shipped: every setting in <c>appsettings.json</c> with the class's own default.</summary>
public sealed class SecurityOptionsBindingTests
{
    [Fact]
    public async Task AddChoriaDashboard_ShippedAppSettings_SecurityIsTheDefaults()
    {
        var appSettings = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        await using var app = Build(new Dictionary<string, string?>(), builder => builder.AddJsonFile(appSettings, optional: false));

        var shipped = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;

        Assert.Equal(JsonSerializer.Serialize(new SecurityOptions()), JsonSerializer.Serialize(shipped));
        using var json = JsonDocument.Parse(File.ReadAllText(appSettings));
        var written = json.RootElement.GetProperty(SecurityOptions.Section).EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
        Assert.Equal(typeof(SecurityOptions).GetProperties().Select(p => p.Name).Order(StringComparer.Ordinal), written);
    }
}
