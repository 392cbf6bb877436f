using ChoriaDashboard.Ingest.Replay;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Xunit;

namespace ChoriaDashboard.Tests.Ingest.Replay;

/// <summary>How an interrupted replay waits before resuming, and how it says what interrupted it.</summary>
public sealed class ReplayRetryTests
{
    [Fact]
    public void Backoff_FruitlessAttemptsInARow_DoublesFromRetryDelayUpToMaxRetryDelay()
    {
        var options = new ReplayOptions { RetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(30) };

        var waits = Enumerable.Range(1, 8).Select(n => StreamReplay.Backoff(options, n).TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], waits);
    }

    [Fact]
    public void Backoff_ManyInterruptions_NeverOverflows()
    {
        var options = new ReplayOptions { RetryDelay = TimeSpan.FromMinutes(10), MaxRetryDelay = TimeSpan.FromHours(1) };

        Assert.Equal(TimeSpan.FromHours(1), StreamReplay.Backoff(options, 1000));
    }

    [Fact]
    public void Describe_WhatBrokeARead_SaysItInWordsNamingTheStream()
    {
        Assert.Equal("JetStream is not answering", StreamReplay.Describe(new NatsNoRespondersException(), "CHORIA_EVENTS"));
        Assert.Equal("no answer from the broker", StreamReplay.Describe(new TimeoutException(), "CHORIA_EVENTS"));
        Assert.Equal("the connection to the broker was lost", StreamReplay.Describe(new NatsException("socket closed"), "CHORIA_EVENTS"));
        Assert.Equal("the broker ended the read: 409 Consumer Deleted", StreamReplay.Describe(new NatsJSProtocolException(409, NatsHeaders.Messages.ConsumerDeleted, "Consumer Deleted"), "CHORIA_EVENTS"));
        Assert.Equal("InvalidOperationException: <b>x</b>", StreamReplay.Describe(new InvalidOperationException("<b>x</b>"), "CHORIA_EVENTS"));
    }
}
