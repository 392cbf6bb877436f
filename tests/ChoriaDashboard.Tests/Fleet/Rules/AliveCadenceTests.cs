using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.TestKit;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class AliveCadenceTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private static AliveCadence Observed(params double[] minutes) =>
        minutes.Aggregate(AliveCadence.Unknown, (cadence, m) => cadence.Observe(TimeSpan.FromMinutes(m)));

    [Fact]
    public void Observe_TwoAgreeingIntervals_Steady()
    {
        Assert.False(Observed(30).IsSteady);
        Assert.Equal(new AliveCadence(30 * Minute, 2), Observed(30, 30));
    }

    [Fact]
    public void Observe_IntervalsWithinAFifth_AgreeAndMoveTheCadenceALittle()
    {
        var cadence = Observed(30, 33, 28, 31);

        Assert.Equal(4, cadence.Intervals);
        Assert.InRange(cadence.Interval.TotalMinutes, 29.5, 31.5);
    }

    [Fact]
    public void Observe_WholeMultipleOfASteadyCadence_LostAlivesChangeNothing()
    {
        var steady = Observed(30, 30, 30);

        Assert.Equal(steady, steady.Observe(60 * Minute));
        Assert.Equal(steady, steady.Observe(91 * Minute));
    }

    [Fact]
    public void Observe_OddIntervalsOnASteadyCadence_HalveTheCountUntilItIsReplaced()
    {
        var steady = Observed(60, 60, 60, 60, 60);
        Assert.Equal(5, steady.Intervals);

        var once = steady.Observe(47 * Minute);
        Assert.Equal(new AliveCadence(60 * Minute, 2), once);
        Assert.True(once.IsSteady);

        var twice = once.Observe(13 * Minute);
        Assert.Equal(new AliveCadence(60 * Minute, 1), twice);
        Assert.Equal(new AliveCadence(13 * Minute, 1), twice.Observe(13 * Minute));
    }

    [Fact]
    public void Observe_IrregularIntervals_NeverSteady()
    {
        var cadence = AliveCadence.Unknown;
        foreach (var minutes in new[] { 20, 55, 31, 12, 70, 24, 45, 9, 33, 66, 17, 41 })
        {
            cadence = cadence.Observe(TimeSpan.FromMinutes(minutes));
            Assert.False(cadence.IsSteady, $"steady after {minutes} min: {cadence}");
        }
    }

    [Fact]
    public void Observe_UnderASecond_IsADuplicateNotAnInterval()
    {
        Assert.Equal(AliveCadence.Unknown, AliveCadence.Unknown.Observe(TimeSpan.FromMilliseconds(999)));
        Assert.Equal(Observed(30), Observed(30).Observe(TimeSpan.Zero));
    }

    [Fact]
    public void Observe_ManyAgreeingIntervals_CountStopsAtMaxIntervals()
    {
        var cadence = Observed([.. Enumerable.Repeat(30.0, 500)]);

        Assert.Equal(AliveCadence.MaxIntervals, cadence.Intervals);
        Assert.Equal(30 * Minute, cadence.Interval);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1_800_000, 1)]
    [InlineData(3_600_000, 100)]
    [InlineData(2_500, 7)]
    public void Pack_Unpack_RoundTrips(long milliseconds, int intervals)
    {
        var cadence = new AliveCadence(TimeSpan.FromMilliseconds(milliseconds), intervals);

        Assert.Equal(cadence, AliveCadence.Unpack(cadence.Pack()));
    }

    [Theory]
    [InlineData("server", "0.28.0", true)]
    [InlineData("server", "0.9.0", true)]
    [InlineData("server", "v0.27", true)]
    [InlineData("server", " 0.28.99-rc.1 ", true)]
    [InlineData("provision_mode_server", "0.28.0", true)]
    [InlineData("service_host", "0.28.0", true)]
    [InlineData("server", "0.29.0", false)]
    [InlineData("server", "0.29.0-rc.1", false)]
    [InlineData("server", "0.30.1", false)]
    [InlineData("server", "1.0.0", false)]
    [InlineData("server", "garbage", false)]
    [InlineData("server", "", false)]
    [InlineData("server", "0.", false)]
    [InlineData("server", "-0.28.0", false)]
    [InlineData("provisioner", "0.28.0", false)]
    [InlineData("my_wrapper", "0.28.0", false)]
    public void ImpliedByVersion_ServersBefore029_SendHourly(string component, string version, bool hourly) =>
        Assert.Equal(hourly ? TimeSpan.FromHours(1) : null, AliveCadence.ImpliedByVersion(component, version));

    [Fact]
    public void ForAliveInterval_RaisesToOneAndAHalfAndTwoAndAHalfIntervals_NeverLowersAndStopsAtTheBound()
    {
        var configured = new LivenessThresholds(40 * Minute, 80 * Minute, 24 * 60 * Minute);

        Assert.Equal(new LivenessThresholds(90 * Minute, 150 * Minute, 24 * 60 * Minute), configured.ForAliveInterval(60 * Minute, 65 * Minute));
        Assert.Equal(new LivenessThresholds(45 * Minute, 80 * Minute, 24 * 60 * Minute), configured.ForAliveInterval(30 * Minute, 65 * Minute));
        Assert.Equal(configured, configured.ForAliveInterval(5 * Minute, 65 * Minute));
        Assert.Equal(new LivenessThresholds(97.5 * Minute, 162.5 * Minute, 24 * 60 * Minute), configured.ForAliveInterval(600 * Minute, 65 * Minute));
    }

    [Fact]
    public void ForAliveInterval_DeadBeyondForgetAfter_ForgottenOnlyOnceDead()
    {
        var configured = new LivenessThresholds(40 * Minute, 80 * Minute, 80 * Minute);

        Assert.Equal(150 * Minute, configured.ForAliveInterval(60 * Minute, 65 * Minute).ForgetAfter);
    }

    [Fact]
    public void ThresholdsFor_Node_ComponentOverrideIsTheFloor()
    {
        var options = new FleetOptions();
        options.Components["server"] = new ComponentThresholds { StaleAfter = TimeSpan.FromHours(2), DeadAfter = TimeSpan.FromHours(3) };
        var node = TestSnapshots.Node("n1", NodeState.Live, "0.28.0");

        Assert.Equal(TimeSpan.FromHours(2), options.ThresholdsFor(node).StaleAfter);
        Assert.Equal(TimeSpan.FromHours(3), options.ThresholdsFor(node).DeadAfter);
        Assert.Equal(TimeSpan.FromMinutes(90), new FleetOptions().ThresholdsFor(node).StaleAfter);
    }
}
