using ChoriaDashboard.Fleet;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting;

/// <summary>The <c>Fleet</c> section's rules: liveness thresholds in order, per component too, and the intervals and fleet-wide caps in range.</summary>
public sealed class FleetOptionsValidatorTests
{
    [Fact]
    public void FleetOptionsValidator_Defaults_Succeed()
    {
        Assert.True(new FleetOptionsValidator().Validate(null, new FleetOptions()).Succeeded);
    }

    [Fact]
    public void FleetOptionsValidator_DeadEqualToForget_Succeeds()
    {
        var options = new FleetOptions { StaleAfter = TimeSpan.FromMinutes(1), DeadAfter = TimeSpan.FromMinutes(2), ForgetAfter = TimeSpan.FromMinutes(2) };

        Assert.True(new FleetOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(40, 40, 1440, "Fleet:DeadAfter")]
    [InlineData(90, 80, 1440, "Fleet:DeadAfter")]
    [InlineData(40, 80, 79, "Fleet:ForgetAfter")]
    [InlineData(0, 80, 1440, "Fleet:StaleAfter")]
    [InlineData(-5, 80, 1440, "Fleet:StaleAfter")]
    public void FleetOptionsValidator_ThresholdsOutOfOrder_FailNamingTheKey(int staleMinutes, int deadMinutes, int forgetMinutes, string key)
    {
        var options = new FleetOptions
        {
            StaleAfter = TimeSpan.FromMinutes(staleMinutes),
            DeadAfter = TimeSpan.FromMinutes(deadMinutes),
            ForgetAfter = TimeSpan.FromMinutes(forgetMinutes),
        };

        var result = new FleetOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(key, StringComparison.Ordinal));
    }

    [Fact]
    public void FleetOptionsValidator_ComponentDeadBeforeFleetStale_FailsNamingTheComponent()
    {
        var options = new FleetOptions();
        options.Components[ChoriaComponents.Provisioner] = new ComponentThresholds { DeadAfter = TimeSpan.FromMinutes(10) };

        var result = new FleetOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Fleet:Components:provisioner:DeadAfter", failure, StringComparison.Ordinal);
        Assert.Contains("00:10:00", failure, StringComparison.Ordinal);
        Assert.Contains("00:40:00", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void FleetOptionsValidator_ComponentForgetBeforeDead_FailsNamingTheComponent()
    {
        var options = new FleetOptions();
        options.Components["CLI"] = new ComponentThresholds { StaleAfter = TimeSpan.FromMinutes(1), DeadAfter = TimeSpan.FromMinutes(2), ForgetAfter = TimeSpan.FromMinutes(1) };

        var result = new FleetOptionsValidator().Validate(null, options);

        Assert.StartsWith("Fleet:Components:CLI:ForgetAfter", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void FleetOptionsValidator_ComponentOverridesThatFitWithTheDefaults_Succeed()
    {
        var options = new FleetOptions();
        options.Components[ChoriaComponents.Provisioner] = new ComponentThresholds { StaleAfter = TimeSpan.FromMinutes(2), DeadAfter = TimeSpan.FromMinutes(5) };
        options.Components[ChoriaComponents.Server] = new ComponentThresholds { DeadAfter = TimeSpan.FromHours(2) };

        Assert.True(new FleetOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void FleetOptionsValidator_ComponentOverrideClashingWithFleetValue_BlamesTheComponentNotTheFleet()
    {
        // The fleet-wide values are fine; only the override makes them clash.
        var options = new FleetOptions();
        options.Components[ChoriaComponents.Server] = new ComponentThresholds { StaleAfter = TimeSpan.FromHours(2) };

        var failure = Assert.Single(new FleetOptionsValidator().Validate(null, options).Failures!);

        Assert.StartsWith("Fleet:Components:server:DeadAfter", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(601)]
    public void FleetOptionsValidator_SweepIntervalOutOfRange_Fails(int seconds)
    {
        var result = new FleetOptionsValidator().Validate(null, new FleetOptions { SweepInterval = TimeSpan.FromSeconds(seconds) });

        Assert.StartsWith("Fleet:SweepInterval", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(0.5)]
    [InlineData(86_401)]
    public void FleetOptionsValidator_SeriesIntervalOutOfRange_Fails(double seconds)
    {
        var result = new FleetOptionsValidator().Validate(null, new FleetOptions { SeriesInterval = TimeSpan.FromSeconds(seconds) });

        Assert.StartsWith("Fleet:SeriesInterval", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(10_001)]
    public void FleetOptionsValidator_MaxComponentsOutOfRange_FailsNamingTheKey(int maxComponents)
    {
        var result = new FleetOptionsValidator().Validate(null, new FleetOptions { MaxComponents = maxComponents });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Fleet:MaxComponents", failure, StringComparison.Ordinal);
        Assert.Contains(maxComponents.ToString(System.Globalization.CultureInfo.InvariantCulture), failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100_000_001)]
    public void FleetOptionsValidator_MaxWatchersOutOfRange_FailsNamingTheKey(int maxWatchers)
    {
        var result = new FleetOptionsValidator().Validate(null, new FleetOptions { MaxWatchers = maxWatchers });

        Assert.StartsWith("Fleet:MaxWatchers", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(10_000, 100_000_000)]
    public void FleetOptionsValidator_CapsAtTheirBounds_Succeed(int maxComponents, int maxWatchers)
    {
        var options = new FleetOptions { MaxComponents = maxComponents, MaxWatchers = maxWatchers, PreReleaseNewest = true };

        Assert.True(new FleetOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("00:00:00.500", "Fleet:MaxAliveInterval")]
    [InlineData("1.00:00:01", "Fleet:MaxAliveInterval")]
    public void FleetOptionsValidator_MaxAliveIntervalOutOfRange_Fails(string value, string key)
    {
        var result = new FleetOptionsValidator().Validate(null, new FleetOptions { MaxAliveInterval = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.StartsWith(key, Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    [InlineData(7 * 24 * 3600 + 1)]
    public void FleetOptionsValidator_CheckStaleAfterOutOfRange_Fails(int seconds)
    {
        var result = new FleetOptionsValidator().Validate(null, new FleetOptions { CheckStaleAfter = TimeSpan.FromSeconds(seconds) });

        Assert.StartsWith("Fleet:CheckStaleAfter", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5, 9, false)]
    [InlineData(5, 10, true)]
    [InlineData(5, 0, true)]
    [InlineData(5, -1, false)]
    [InlineData(5, 86_401, false)]
    [InlineData(600, 60, false)]
    public void FleetOptionsValidator_SuspendGap_OffOrAtLeastTwoSweepsAndAtMostADay(int sweepSeconds, int gapSeconds, bool valid)
    {
        var options = new FleetOptions { SweepInterval = TimeSpan.FromSeconds(sweepSeconds), SuspendGap = TimeSpan.FromSeconds(gapSeconds) };

        var result = new FleetOptionsValidator().Validate(null, options);

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.StartsWith("Fleet:SuspendGap", Assert.Single(result.Failures!), StringComparison.Ordinal);
        }
    }
}
