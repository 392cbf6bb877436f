using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class IngestCountersTests
{
    private static readonly string Subject = ChoriaSubjects.Lifecycle(LifecycleEventType.Startup, ChoriaComponents.Server);

    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly CapturingLogger _log = new();

    [Fact]
    public void NewStats_CountNothing()
    {
        var stats = Create();

        Assert.Equal(0, stats.Accepted);
        Assert.Equal(0, stats.TotalRejected);
        Assert.Empty(stats.ReceivedBySubscription);
        Assert.All(Enum.GetValues<RejectionReason>(), r => Assert.Equal(0, stats.RejectedByReason[r]));
    }

    [Fact]
    public void Rejected_SeveralReasons_CountsEachSeparately()
    {
        var stats = Create();

        for (var i = 0; i < 3; i++)
        {
            stats.Rejected(RejectionReason.NotJson, Subject, "not valid JSON");
        }

        stats.Rejected(RejectionReason.TooLarge, Subject, "70000 bytes");
        stats.Rejected(RejectionReason.Dropped, Subject, null);

        Assert.Equal(3, stats.RejectedByReason[RejectionReason.NotJson]);
        Assert.Equal(1, stats.RejectedByReason[RejectionReason.TooLarge]);
        Assert.Equal(1, stats.RejectedByReason[RejectionReason.Dropped]);
        Assert.Equal(0, stats.RejectedByReason[RejectionReason.UnknownType]);
        Assert.Equal(5, stats.TotalRejected);
        Assert.Equal(Enum.GetValues<RejectionReason>().Length, stats.RejectedByReason.Count);
    }

    [Fact]
    public void Rejected_BeyondTheBurst_IsStillCounted()
    {
        var stats = Create(burst: 2);

        for (var i = 0; i < 100; i++)
        {
            stats.Rejected(RejectionReason.MissingField, Subject, "missing 'identity'");
        }

        Assert.Equal(100, stats.RejectedByReason[RejectionReason.MissingField]);
        Assert.Equal(2, _log.Messages.Count);
    }

    [Fact]
    public void AppliedAndReceived_CountAcceptedAndPerSubscription()
    {
        var stats = Create();

        stats.AddAccepted();
        stats.AddAccepted();
        stats.Received(ChoriaSubjects.AllLifecycle);
        stats.Received(ChoriaSubjects.AllLifecycle);
        stats.Received(ChoriaSubjects.Transition);

        Assert.Equal(2, stats.Accepted);
        Assert.Equal(2, stats.ReceivedBySubscription[ChoriaSubjects.AllLifecycle]);
        Assert.Equal(1, stats.ReceivedBySubscription[ChoriaSubjects.Transition]);
        Assert.Equal(0, stats.TotalRejected);
    }

    [Fact]
    public async Task Counters_ConcurrentCalls_LoseNothing()
    {
        var stats = Create(burst: 0);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                stats.AddAccepted();
                stats.Received("s");
                stats.Rejected(RejectionReason.WrongType, Subject, null);
            }
        })));

        Assert.Equal(8000, stats.Accepted);
        Assert.Equal(8000, stats.ReceivedBySubscription["s"]);
        Assert.Equal(8000, stats.RejectedByReason[RejectionReason.WrongType]);
    }

    [Fact]
    public void Rejected_Logged_IsAWarningWithSubjectReasonAndDetail()
    {
        var stats = Create();

        stats.Rejected(RejectionReason.UnknownType, Subject, "unknown protocol 'io.choria.lifecycle.v1.reboot'");

        var entry = Assert.Single(_log.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal(
            "Rejected a message on choria.lifecycle.event.startup.server: UnknownType: unknown protocol 'io.choria.lifecycle.v1.reboot'",
            entry.Message);
    }

    [Fact]
    public void Rejected_ManyInOneInterval_LogsOnlyTheBurstPerReason()
    {
        var stats = Create(burst: 5);

        for (var i = 0; i < 20; i++)
        {
            stats.Rejected(RejectionReason.NotJson, Subject, $"bad {i}");
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(["bad 0", "bad 1", "bad 2", "bad 3", "bad 4"], _log.Messages.Select(m => m[(m.LastIndexOf(": ", StringComparison.Ordinal) + 2)..]));
    }

    [Fact]
    public void Rejected_OneReasonFlooding_DoesNotSilenceAnother()
    {
        var stats = Create(burst: 3);

        for (var i = 0; i < 50; i++)
        {
            stats.Rejected(RejectionReason.NotJson, Subject, "flood");
        }

        stats.Rejected(RejectionReason.InvalidValue, Subject, "identity with a space");

        Assert.Equal(4, _log.Messages.Count);
        Assert.Contains("InvalidValue: identity with a space", _log.Messages[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Rejected_NextInterval_LogsAgainAndReportsWhatWasSuppressed()
    {
        var stats = Create(burst: 2);
        for (var i = 0; i < 7; i++)
        {
            stats.Rejected(RejectionReason.NotJson, Subject, "bad");
        }

        Assert.Equal(2, _log.Messages.Count);
        Assert.DoesNotContain(_log.Messages, m => m.Contains("not logged", StringComparison.Ordinal));

        _time.Advance(Interval);
        stats.Rejected(RejectionReason.NotJson, Subject, "bad");
        stats.Rejected(RejectionReason.NotJson, Subject, "bad");

        Assert.Equal(4, _log.Messages.Count);
        Assert.EndsWith("bad (5 more NotJson rejections were not logged in the previous interval)", _log.Messages[2], StringComparison.Ordinal);
        Assert.DoesNotContain("not logged", _log.Messages[3], StringComparison.Ordinal);
    }

    [Fact]
    public void Rejected_JustBeforeTheIntervalEnds_IsStillSuppressed()
    {
        var stats = Create(burst: 1);
        stats.Rejected(RejectionReason.NotJson, Subject, "first");

        _time.Advance(Interval - TimeSpan.FromTicks(1));
        stats.Rejected(RejectionReason.NotJson, Subject, "second");
        _time.Advance(TimeSpan.FromTicks(1));
        stats.Rejected(RejectionReason.NotJson, Subject, "third");

        Assert.Equal(2, _log.Messages.Count);
        Assert.Contains("third (1 more NotJson rejections", _log.Messages[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Rejected_NothingSuppressed_NextIntervalSaysNothingAboutSuppression()
    {
        var stats = Create(burst: 5);
        stats.Rejected(RejectionReason.NotJson, Subject, "one");
        _time.Advance(Interval * 3);
        stats.Rejected(RejectionReason.NotJson, Subject, "two");

        Assert.Equal(2, _log.Messages.Count);
        Assert.EndsWith(": two", _log.Messages[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Rejected_BurstZero_NeverLogsButCounts()
    {
        var stats = Create(burst: 0);

        stats.Rejected(RejectionReason.NotJson, Subject, "bad");
        _time.Advance(Interval);
        stats.Rejected(RejectionReason.NotJson, Subject, "bad");

        Assert.Empty(_log.Messages);
        Assert.Equal(2, stats.TotalRejected);
    }

    [Fact]
    public void Rejected_SubjectWithControlCharacters_IsLoggedOnOneLine()
    {
        var stats = Create();

        stats.Rejected(RejectionReason.NotJson, "choria.lifecycle\n.event\u001b[31m.x\r", "bad");

        var message = Assert.Single(_log.Messages);
        Assert.StartsWith("Rejected a message on choria.lifecycle?.event?[31m.x?: NotJson", message, StringComparison.Ordinal);
        Assert.DoesNotContain(message, char.IsControl);
    }

    [Fact]
    public void Rejected_LongSubject_IsExcerpted()
    {
        var stats = Create();
        var subject = ChoriaSubjects.LifecyclePrefix + new string('x', 500);

        stats.Rejected(RejectionReason.TooLarge, subject, "big");

        var message = Assert.Single(_log.Messages);
        Assert.Contains(subject[..64] + "…: TooLarge", message, StringComparison.Ordinal);
        Assert.DoesNotContain(subject[..65], message, StringComparison.Ordinal);
    }

    private IngestCounters Create(int burst = 5) => new(_log, _time, burst, Interval);

    private sealed class CapturingLogger : ILogger<IngestCounters>
    {
        private readonly List<(LogLevel Level, string Message)> _entries = [];

        public IReadOnlyList<(LogLevel Level, string Message)> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public IReadOnlyList<string> Messages => [.. Entries.Select(e => e.Message)];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_entries)
            {
                _entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
