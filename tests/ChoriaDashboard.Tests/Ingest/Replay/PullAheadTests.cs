using ChoriaDashboard.Ingest.Replay;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Xunit;

namespace ChoriaDashboard.Tests.Ingest.Replay;

/// <summary>
/// Pulls kept ahead of the one being applied (<c>Replay:PullsInFlight</c>): they come out in order, never more than the
/// bound are held at once, and a failure comes out only after the pulls that arrived before it, so the read resumes
/// after the last message applied. The pulls here are stand-ins (empty lists told apart by reference): what is tested
/// is the order and the bound, not the messages.
/// </summary>
public sealed class PullAheadTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task ReadAsync_SlowApplying_PullsComeOutInOrderAndNeverMoreThanTheBoundAreHeld(int inFlight)
    {
        var asked = new List<List<PulledMessage>>();
        var held = 0;
        var mostHeld = 0;
        Task<(List<PulledMessage>, bool)> NextAsync(CancellationToken token)
        {
            var pulled = new List<PulledMessage>();
            lock (asked)
            {
                asked.Add(pulled);
                mostHeld = Math.Max(mostHeld, Interlocked.Increment(ref held));
                return Task.FromResult((pulled, asked.Count == 20));
            }
        }

        var read = new List<List<PulledMessage>>();
        await using (var ahead = new PullAhead(inFlight, NextAsync, null, CancellationToken.None))
        {
            while (await ahead.ReadAsync(CancellationToken.None) is { } pulled)
            {
                read.Add(pulled);

                // Applying is slow: the pulls ahead have every chance to pile up beyond the bound, were it not kept.
                await Eventually.TrueAsync(() => Volatile.Read(ref held) >= Math.Min(inFlight, 21 - read.Count), Timeout, $"{inFlight} pulls to be held while one is applied");
                Interlocked.Decrement(ref held);
                ahead.Applied();
            }

            Assert.Equal(inFlight, ahead.MostHeld);
        }

        Assert.Equal(20, read.Count);
        Assert.True(asked.SequenceEqual(read), "the pulls came out in another order than they were asked");
        Assert.Equal(inFlight, mostHeld);
    }

    [Fact]
    public async Task ReadAsync_OneInFlight_AsksForTheNextPullOnlyOnceTheLastWasApplied()
    {
        var applied = 0;
        var askedBeforeApplied = 0;
        var calls = 0;
        Task<(List<PulledMessage>, bool)> NextAsync(CancellationToken token)
        {
            if (Volatile.Read(ref applied) < calls)
            {
                askedBeforeApplied++;
            }

            calls++;
            return Task.FromResult((new List<PulledMessage>(), calls == 5));
        }

        await using var ahead = new PullAhead(1, NextAsync, null, CancellationToken.None);
        while (await ahead.ReadAsync(CancellationToken.None) is not null)
        {
            // Give a pull asked too early the time to be asked.
            await Task.Delay(20);
            Interlocked.Increment(ref applied);
            ahead.Applied();
        }

        Assert.Equal(5, calls);
        Assert.Equal(0, askedBeforeApplied);
    }

    [Fact]
    public async Task ReadAsync_PullingFails_ThePullsThatArrivedBeforeComeOutFirstThenTheFailure()
    {
        var arrived = new List<List<PulledMessage>>();
        var calls = 0;
        Task<(List<PulledMessage>, bool)> NextAsync(CancellationToken token)
        {
            if (++calls == 3)
            {
                throw new ReplayInterruptedException("the connection to the broker was lost during the read of CHORIA_EVENTS");
            }

            var pulled = new List<PulledMessage>();
            arrived.Add(pulled);
            return Task.FromResult((pulled, false));
        }

        var read = new List<List<PulledMessage>>();
        await using var ahead = new PullAhead(4, NextAsync, null, CancellationToken.None);
        var failure = await Assert.ThrowsAsync<ReplayInterruptedException>(async () =>
        {
            while (await ahead.ReadAsync(CancellationToken.None) is { } pulled)
            {
                read.Add(pulled);
                ahead.Applied();
            }
        });

        Assert.Contains("connection to the broker was lost", failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, read.Count);
        Assert.True(arrived.SequenceEqual(read), "the pulls that arrived before the failure did not all come out, in order, before it");
    }

    [Fact]
    public async Task DisposeAsync_ReaderStopsEarly_StopsAPullThatWaitsForTheBroker()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        async Task<(List<PulledMessage>, bool)> NextAsync(CancellationToken token)
        {
            if (++calls == 1)
            {
                return ([], false);
            }

            // A pull the broker never answers.
            waiting.TrySetResult();
            try
            {
                await Task.Delay(System.Threading.Timeout.Infinite, token);
            }
            finally
            {
                cancelled.TrySetResult();
            }

            return ([], true);
        }

        var ahead = new PullAhead(2, NextAsync, null, CancellationToken.None);
        Assert.NotNull(await ahead.ReadAsync(CancellationToken.None));

        // The next pull is under way (the fresh-clone run once disposed before it had started, which proves nothing).
        await waiting.Task.WaitAsync(Timeout);
        await ahead.DisposeAsync().AsTask().WaitAsync(Timeout);

        Assert.True(cancelled.Task.IsCompleted, "the pull in flight was not stopped when the read ended");
    }

    [Theory]
    [InlineData(0, "Replay:PullsInFlight must be between 1 and 16, not 0.")]
    [InlineData(17, "Replay:PullsInFlight must be between 1 and 16, not 17.")]
    public void Validate_PullsInFlightOutOfRange_FailsNamingTheSetting(int inFlight, string expected)
    {
        var result = new ReplayOptionsValidator().Validate(null, new ReplayOptions { PullsInFlight = inFlight });

        Assert.True(result.Failed, "a bad Replay:PullsInFlight passed validation");
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PullsInFlightTimesPullMaxBytesOverOneGiB_FailsNamingBothSettings()
    {
        var result = new ReplayOptionsValidator().Validate(null, new ReplayOptions { PullsInFlight = 16, PullMaxBytes = 128 * 1024 * 1024 });

        Assert.True(result.Failed, "16 pulls of 128 MiB in flight passed validation");
        Assert.Contains("Replay:PullsInFlight (16) times Replay:PullMaxBytes (134217728) must be at most 1 GiB", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_Pass()
    {
        var result = new ReplayOptionsValidator().Validate(null, new ReplayOptions());

        Assert.Equal(ValidateOptionsResult.Success, result);
        Assert.Equal(2, new ReplayOptions().PullsInFlight);
    }

    [Fact]
    public async Task App_PullsInFlightZero_ExitsWithCode2NamingTheSetting()
    {
        var (exitCode, output) = await AppProcess.RunUntilExitAsync(new Dictionary<string, string>
        {
            ["Nats__Url"] = "nats://127.0.0.1:1",
            ["Replay__PullsInFlight"] = "0",
        });

        Assert.True(exitCode == 2, $"expected exit code 2, got {exitCode}; output:\n{output}");
        Assert.Contains("Replay:PullsInFlight must be between 1 and 16, not 0.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }
}
