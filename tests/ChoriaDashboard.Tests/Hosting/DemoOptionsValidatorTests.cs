using ChoriaDashboard.Simulation;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting;

/// <summary>The <c>Demo</c> section's rules: the alive interval and the shares of legacy and binary events.</summary>
public sealed class DemoOptionsValidatorTests
{
    [Fact]
    public void DemoOptionsValidator_Defaults_Succeed()
    {
        Assert.True(new DemoOptionsValidator().Validate(null, new DemoOptions()).Succeeded);
    }

    [Theory]
    [InlineData(999)]
    [InlineData(0)]
    public void DemoOptionsValidator_AliveIntervalUnderOneSecond_Fails(int milliseconds)
    {
        var result = new DemoOptionsValidator().Validate(null, new DemoOptions { AliveInterval = TimeSpan.FromMilliseconds(milliseconds) });

        Assert.StartsWith("Demo:AliveInterval", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(60, 40, true)]
    [InlineData(100, 0, true)]
    [InlineData(60, 41, false)]
    [InlineData(100, 100, false)]
    public void DemoOptionsValidator_FormatShares_MustNotExceedAHundred(int legacy, int binary, bool ok)
    {
        var result = new DemoOptionsValidator().Validate(null, new DemoOptions { LegacyPercent = legacy, BinaryPercent = binary });

        Assert.Equal(ok, result.Succeeded);
        if (!ok)
        {
            Assert.Contains("Demo:LegacyPercent + Demo:BinaryPercent", Assert.Single(result.Failures!), StringComparison.Ordinal);
        }
    }
}
