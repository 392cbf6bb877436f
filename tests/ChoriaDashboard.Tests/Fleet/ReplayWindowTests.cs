using ChoriaDashboard.Fleet;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>How far back a restart recovery replays: the fleet-wide window, and the longer ones of some components.</summary>
public sealed class ReplayWindowTests
{
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(40);

    [Fact]
    public void FleetReplayWindow_Defaults_IsTheDeadThresholdOfAnHourlyNodePlusMargin()
    {
        // A node before 0.29 sends an alive every hour: dead after 2.5 of MaxAliveInterval (65 min), not DeadAfter (80).
        Assert.Equal(TimeSpan.FromMinutes(65 * 2.5) + Margin, new FleetOptions().FleetReplayWindow(Margin));
    }

    [Fact]
    public void FleetReplayWindow_EveryNodeOnHalfHourlyAlives_IsDeadAfterPlusMargin()
    {
        // Every node on 0.29 or later, MaxAliveInterval set to their 30 min: 2.5 of them (75 min) is within DeadAfter (80).
        var options = new FleetOptions { MaxAliveInterval = TimeSpan.FromMinutes(30) };

        Assert.Equal(TimeSpan.FromMinutes(80) + Margin, options.FleetReplayWindow(Margin));
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

        Assert.Equal(TimeSpan.FromMinutes(65 * 2.5) + Margin, options.FleetReplayWindow(Margin));
        Assert.Equal([("provisioner", TimeSpan.FromDays(60)), ("slow", TimeSpan.FromHours(5) + Margin)], options.LongerReplayWindows(Margin));
    }
}
