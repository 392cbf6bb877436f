using ChoriaDashboard.Fleet;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>How far back a restart recovery replays: the fleet-wide window, and the longer ones of some components.</summary>
public sealed class ReplayWindowTests
{
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(40);

    [Fact]
    public void FleetReplayWindow_Defaults_IsDeadAfterPlusMargin()
    {
        Assert.Equal(TimeSpan.FromMinutes(120), new FleetOptions().FleetReplayWindow(Margin));
    }

    [Fact]
    public void FleetReplayWindow_DeadAfterPlusMarginBeyondForgetAfter_IsCappedAtForgetAfter()
    {
        var options = new FleetOptions { DeadAfter = TimeSpan.FromHours(23.9), ForgetAfter = TimeSpan.FromHours(24) };

        Assert.Equal(TimeSpan.FromHours(24), options.FleetReplayWindow(Margin));
    }

    [Fact]
    public void LongerReplayWindows_OnlyComponentsBeyondTheFleetWindow_LongestFirstAndCappedAtTheirForgetAfter()
    {
        // As appsettings.json ships it: a provisioner sends only its startup and is dead after 60 days.
        var options = new FleetOptions();
        options.Components["provisioner"] = new ComponentThresholds { StaleAfter = TimeSpan.FromDays(30), DeadAfter = TimeSpan.FromDays(60), ForgetAfter = TimeSpan.FromDays(60) };
        options.Components["slow"] = new ComponentThresholds { DeadAfter = TimeSpan.FromHours(5) };
        options.Components["fast"] = new ComponentThresholds { DeadAfter = TimeSpan.FromMinutes(5) };

        Assert.Equal(TimeSpan.FromMinutes(120), options.FleetReplayWindow(Margin));
        Assert.Equal([("provisioner", TimeSpan.FromDays(60)), ("slow", TimeSpan.FromHours(5) + Margin)], options.LongerReplayWindows(Margin));
    }
}
