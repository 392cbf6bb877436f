using ChoriaDashboard.Hosting;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting;

public sealed class RetiredSettingsTests
{
    [Fact]
    public void Find_InternCacheSizeStillSet_NamesTheKeyAndWhatReplacedIt()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Fleet:InternCacheSize"] = "5000" }).Build();

        var message = Assert.Single(RetiredSettings.Find(configuration));

        Assert.StartsWith("Fleet:InternCacheSize is no longer used", message, StringComparison.Ordinal);
        Assert.Contains("Ingest:StringPoolSize", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_DefaultConfiguration_NothingToSay()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false).Build();

        Assert.Empty(RetiredSettings.Find(configuration));
    }
}
