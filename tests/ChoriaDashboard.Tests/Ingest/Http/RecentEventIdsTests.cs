using ChoriaDashboard.Ingest.Http;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ChoriaDashboard.Tests.Ingest.Http;

public sealed class RecentEventIdsTests
{
    [Fact]
    public void TryAdd_SameSourceAndIdWithinTheWindow_IsADuplicate()
    {
        var time = new FakeTimeProvider();
        var recent = new RecentEventIds(TimeSpan.FromMinutes(1), 100, time);

        Assert.True(recent.TryAdd("io.choria.lifecycle", "a"));
        time.Advance(TimeSpan.FromSeconds(59));

        Assert.False(recent.TryAdd("io.choria.lifecycle", "a"));
        // The same id from another source is another event.
        Assert.True(recent.TryAdd("io.choria.machine", "a"));
    }

    [Fact]
    public void TryAdd_AfterTheWindow_IsNewAgain()
    {
        // An alive repeats its id every alive interval: after the window it must be applied again.
        var time = new FakeTimeProvider();
        var recent = new RecentEventIds(TimeSpan.FromMinutes(1), 100, time);
        recent.TryAdd("io.choria.lifecycle", "alive-id");

        time.Advance(TimeSpan.FromMinutes(1));

        Assert.True(recent.TryAdd("io.choria.lifecycle", "alive-id"));
        Assert.Equal(1, recent.Count);
    }

    [Fact]
    public void TryAdd_PastTheCapacity_ForgetsTheOldestFirst()
    {
        var recent = new RecentEventIds(TimeSpan.FromMinutes(1), 2, new FakeTimeProvider());
        recent.TryAdd("s", "1");
        recent.TryAdd("s", "2");

        recent.TryAdd("s", "3");

        Assert.Equal(2, recent.Count);
        Assert.True(recent.TryAdd("s", "1"));
        Assert.False(recent.TryAdd("s", "3"));
    }

    [Fact]
    public void Forget_AnIdWhoseEventWasNotApplied_TakesItsRetry()
    {
        var recent = new RecentEventIds(TimeSpan.FromMinutes(1), 10, new FakeTimeProvider());
        recent.TryAdd("s", "1");

        recent.Forget("s", "1");

        Assert.True(recent.TryAdd("s", "1"));
    }

    [Theory]
    [InlineData("00:00:00.500", false)]
    [InlineData("00:00:01", true)]
    [InlineData("00:05:00", true)]
    [InlineData("00:30:00", false)]
    public void Validator_DedupeWindow_MustStayWellBelowTheAliveInterval(string window, bool valid)
    {
        var result = new HttpIngestOptionsValidator().Validate(null, new HttpIngestOptions { DedupeWindow = TimeSpan.Parse(window, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("HttpIngest:DedupeWindow", result.FailureMessage, StringComparison.Ordinal);
        }
    }
}
