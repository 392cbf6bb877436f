using ChoriaDashboard.Fleet;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class ReplayWindowTests
{
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(40);

    [Fact]
    public void ReplayWindow_NoComponentThresholds_IsFleetDeadAfterPlusMargin()
    {
        var options = new FleetOptions();

        Assert.Equal(TimeSpan.FromMinutes(120), options.ReplayWindow(Margin));
    }

    [Fact]
    public void ReplayWindow_ProvisionerWithDaysOfDeadAfter_ReachesBackToItsForgetAfterSoItsStartupIsReplayed()
    {
        // As appsettings.json ships it: a provisioner sends only its startup and is dead after 60 days.
        var options = new FleetOptions();
        options.Components["provisioner"] = new ComponentThresholds { StaleAfter = TimeSpan.FromDays(30), DeadAfter = TimeSpan.FromDays(60), ForgetAfter = TimeSpan.FromDays(60) };

        Assert.Equal(TimeSpan.FromDays(60), options.ReplayWindow(Margin));
    }

    [Fact]
    public void ReplayWindow_ComponentWithLongerDeadAfter_TakesTheLongestPlusMargin()
    {
        var options = new FleetOptions();
        options.Components["slow"] = new ComponentThresholds { DeadAfter = TimeSpan.FromHours(5) };
        options.Components["fast"] = new ComponentThresholds { DeadAfter = TimeSpan.FromMinutes(5) };

        Assert.Equal(TimeSpan.FromHours(5) + Margin, options.ReplayWindow(Margin));
    }

    [Fact]
    public void ReplayWindow_DeadAfterPlusMarginBeyondForgetAfter_IsCappedAtForgetAfter()
    {
        var options = new FleetOptions { DeadAfter = TimeSpan.FromHours(23.9), ForgetAfter = TimeSpan.FromHours(24) };

        Assert.Equal(TimeSpan.FromHours(24), options.ReplayWindow(Margin));
    }

    [Fact]
    public void LongerReplayWindows_OnlyComponentsBeyondTheFleetWindow_LongestFirst()
    {
        var options = new FleetOptions();
        options.Components["provisioner"] = new ComponentThresholds { DeadAfter = TimeSpan.FromDays(60), ForgetAfter = TimeSpan.FromDays(60) };
        options.Components["slow"] = new ComponentThresholds { DeadAfter = TimeSpan.FromHours(5) };
        options.Components["fast"] = new ComponentThresholds { DeadAfter = TimeSpan.FromMinutes(5) };

        Assert.Equal(TimeSpan.FromMinutes(120), options.FleetReplayWindow(Margin));
        Assert.Equal([("provisioner", TimeSpan.FromDays(60)), ("slow", TimeSpan.FromHours(5) + Margin)], options.LongerReplayWindows(Margin));
    }
}
