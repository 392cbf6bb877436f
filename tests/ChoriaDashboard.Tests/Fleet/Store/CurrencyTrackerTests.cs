using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Fleet.Store;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class CurrencyTrackerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private static BrokerStatus Broker(BrokerState state, int subscriptions) => new(state, DateTimeOffset.UnixEpoch, "nats://broker:4222", subscriptions, 3, null);

    [Fact]
    public void CurrencyTracker_LateReplayingReportAfterCaughtUp_ViewStaysCurrentAndLivenessRuns()
    {
        var tracker = new CurrencyTracker(Broker(BrokerState.Connected, 3), 10, TimeSpan.FromMinutes(40), Start);
        tracker.Replay(new ReplayStatus(ReplayState.Replaying, new ReplayProgress(0, 10, Start, null)), Start);
        tracker.Replay(new ReplayStatus(ReplayState.CaughtUp, new ReplayProgress(10, 10, Start, TimeSpan.Zero), null, Start - TimeSpan.FromHours(2), Start), Start);

        // The progress reporter's last tick, racing the end of the replay, lands after it.
        var changed = tracker.Replay(new ReplayStatus(ReplayState.Replaying, new ReplayProgress(9, 10, Start, TimeSpan.Zero)), Start);

        Assert.False(changed);
        Assert.True(tracker.Current.IsCurrent);
        Assert.False(tracker.Current.LivenessPaused);
        Assert.Null(tracker.Current.Replay);
    }

    [Fact]
    public void CurrencyTracker_LateReplayingReportAfterUnavailable_LivenessRuns()
    {
        var tracker = new CurrencyTracker(Broker(BrokerState.Connected, 3), 10, TimeSpan.FromMinutes(40), Start);
        tracker.Replay(new ReplayStatus(ReplayState.Replaying, new ReplayProgress(0, 0, Start, null)), Start);
        tracker.Replay(new ReplayStatus(ReplayState.Unavailable, null, "replay failed: boom"), Start);

        tracker.Replay(new ReplayStatus(ReplayState.Replaying, new ReplayProgress(3, 10, Start, null)), Start);

        Assert.False(tracker.Current.LivenessPaused);
        Assert.Equal("replay failed: boom", tracker.Current.HistoryUnavailable);
    }

    [Fact]
    public void CurrencyTracker_ReplayGivenUp_LivenessRunsSaysWhatIsMissingAndCountsTheUnreplayedTimeAsDeaf()
    {
        var tracker = new CurrencyTracker(Broker(BrokerState.Connected, 3), 10, TimeSpan.FromMinutes(40), Start);
        tracker.Replay(new ReplayStatus(ReplayState.Replaying, new ReplayProgress(0, 10, Start, null)), Start);
        var resuming = tracker.Current;

        tracker.Replay(
            new ReplayStatus(ReplayState.GivenUp, new ReplayProgress(4, 10, Start, null) { Interruptions = 3 }, "CHORIA_EVENTS given up", Start - TimeSpan.FromHours(2), Start)
            {
                Unheard = [(Start - TimeSpan.FromMinutes(30), Start)],
            },
            Start);
        var late = tracker.Replay(new ReplayStatus(ReplayState.Replaying, new ReplayProgress(5, 10, Start, null)), Start);

        Assert.True(resuming.LivenessPaused);
        Assert.False(late);
        Assert.True(tracker.Current.IsCurrent);
        Assert.False(tracker.Current.LivenessPaused);
        Assert.Equal("CHORIA_EVENTS given up", tracker.Current.HistoryIncomplete);
        Assert.Null(tracker.Current.HistoryUnavailable);
        Assert.Equal(3, tracker.Current.ReplayInterruptions);
        Assert.Equal(TimeSpan.FromMinutes(30), tracker.Deaf(Start + TimeSpan.FromMinutes(5)).Between(Start - TimeSpan.FromHours(1), Start + TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void CurrencyTracker_ReplayInterruptedAndResuming_SaysWhyItWaits()
    {
        var tracker = new CurrencyTracker(Broker(BrokerState.Connected, 3), 10, TimeSpan.FromMinutes(40), Start);

        tracker.Replay(new ReplayStatus(ReplayState.Replaying, new ReplayProgress(4, 10, Start, null) { Interruptions = 1, Resuming = "the consumer was deleted; attempt 2 of 8" }), Start);

        Assert.Equal("replaying history from Choria Streams; interrupted (the consumer was deleted; attempt 2 of 8)", tracker.Current.Reason);
        Assert.True(tracker.Current.LivenessPaused);
    }

    [Fact]
    public void CurrencyTracker_CutOffAgain_DeafTimeStillShowsTheEarlierOutage()
    {
        var tracker = new CurrencyTracker(Broker(BrokerState.Connected, 3), 10, TimeSpan.FromMinutes(40), Start);
        tracker.Broker(Broker(BrokerState.Reconnecting, 0), Start + TimeSpan.FromMinutes(5));
        tracker.Broker(Broker(BrokerState.Connected, 3), Start + TimeSpan.FromMinutes(15));
        Assert.Equal(TimeSpan.FromMinutes(10), tracker.Current.DeafTime);

        tracker.Broker(Broker(BrokerState.Reconnecting, 0), Start + TimeSpan.FromMinutes(20));

        Assert.False(tracker.Current.IsCurrent);
        Assert.Equal(TimeSpan.FromMinutes(10), tracker.Current.DeafTime);
    }

    [Fact]
    public void CurrencyTracker_MachineSubjectRefused_NodeLivenessRunsAndTheBannerNamesTheSubject()
    {
        var tracker = new CurrencyTracker(Broker(BrokerState.Connected, 3), 10, TimeSpan.FromMinutes(40), Start);

        tracker.Broker(Refused(ChoriaSubjects.Transition), Start + TimeSpan.FromMinutes(1));
        tracker.Broker(Refused(ChoriaSubjects.Transition), Start + TimeSpan.FromMinutes(30));

        Assert.False(tracker.Current.IsCurrent);
        Assert.False(tracker.Current.LivenessPaused);
        Assert.Contains(ChoriaSubjects.Transition, tracker.Current.Reason);
        Assert.Equal(TimeSpan.Zero, tracker.Deaf(Start + TimeSpan.FromMinutes(30)).Total);
    }

    [Fact]
    public void CurrencyTracker_LifecycleSubjectRefused_NodeLivenessFreezes()
    {
        var tracker = new CurrencyTracker(Broker(BrokerState.Connected, 3), 10, TimeSpan.FromMinutes(40), Start);

        tracker.Broker(Refused(ChoriaSubjects.AllLifecycle), Start + TimeSpan.FromMinutes(1));

        Assert.True(tracker.Current.LivenessPaused);
        Assert.Contains(ChoriaSubjects.AllLifecycle, tracker.Current.Reason);
        Assert.Equal(TimeSpan.FromMinutes(9), tracker.Deaf(Start + TimeSpan.FromMinutes(10)).Total);
    }

    private static BrokerStatus Refused(string subject) =>
        Broker(BrokerState.Connected, 2) with { RefusedSubjects = System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty.Add(subject, "Permissions Violation") };
}
