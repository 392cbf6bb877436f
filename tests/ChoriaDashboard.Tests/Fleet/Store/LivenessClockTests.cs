using ChoriaDashboard.Fleet.Store;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class LivenessClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Now_WallClockStepped_FollowsOnlyTheMonotonicClock()
    {
        var time = new SteppingTimeProvider(new FakeTimeProvider(Start));
        var clock = new LivenessClock(time);

        time.StepWallClock(TimeSpan.FromHours(-3));
        time.Fake.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(Start + TimeSpan.FromMinutes(5), clock.Now);
        Assert.Equal(Start - TimeSpan.FromHours(3) + TimeSpan.FromMinutes(5), time.GetUtcNow());
    }

    [Fact]
    public void At_TimestampTakenEarlier_IsThatMomentOnTheLivenessClock()
    {
        var time = new SteppingTimeProvider(new FakeTimeProvider(Start));
        var clock = new LivenessClock(time);
        time.Fake.Advance(TimeSpan.FromSeconds(30));
        var taken = time.GetTimestamp();

        time.StepWallClock(TimeSpan.FromDays(1));
        time.Fake.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(Start + TimeSpan.FromSeconds(30), clock.At(taken));
    }

    [Fact]
    public void FromWall_AfterAStep_AsLongBeforeNowAsOnTheWallClockAndNeverLater()
    {
        var time = new SteppingTimeProvider(new FakeTimeProvider(Start));
        var clock = new LivenessClock(time);
        time.StepWallClock(TimeSpan.FromHours(1));
        time.Fake.Advance(TimeSpan.FromMinutes(10));

        // A replayed event stored 7 minutes ago by the broker's (and the wall) clock.
        Assert.Equal(clock.Now - TimeSpan.FromMinutes(7), clock.FromWall(time.GetUtcNow() - TimeSpan.FromMinutes(7)));
        Assert.Equal(clock.Now, clock.FromWall(time.GetUtcNow() + TimeSpan.FromMinutes(2)));
    }
}
