using ChoriaDashboard.Api.Metrics;
using Xunit;

namespace ChoriaDashboard.Tests.Api.Metrics;

/// <summary>The <c>Metrics</c> section's rules: a bad value stops the app naming the setting.</summary>
public sealed class MetricsOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new MetricsOptionsValidator().Validate(null, new MetricsOptions()).Succeeded);
    }

    [Theory]
    [InlineData("Prefix", "choria-tally", "Metrics:Prefix")]
    [InlineData("Prefix", "9tally", "Metrics:Prefix")]
    [InlineData("Election", "bad key", "Metrics:Election")]
    [InlineData("Election", ".tally", "Metrics:Election")]
    [InlineData("ElectionTtl", "00:00:03", "Metrics:ElectionTtl")]
    [InlineData("ElectionTtl", "02:00:00", "Metrics:ElectionTtl")]
    [InlineData("Components", " ", "Metrics:Components")]
    public void Validate_BadValue_FailsNamingTheSetting(string setting, string value, string named)
    {
        var options = new MetricsOptions();
        switch (setting)
        {
            case "Prefix": options.Prefix = value; break;
            case "Election": options.Election = value; break;
            case "ElectionTtl": options.ElectionTtl = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            default: options.Components = [value]; break;
        }

        var result = new MetricsOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(named, StringComparison.Ordinal));
    }
}
