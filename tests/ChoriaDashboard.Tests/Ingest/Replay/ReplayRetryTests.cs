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

    [Fact]
    public void Transient_ALocateFailureThatMayPass_IsRetriedLaterAndOneThatCannotIsNot()
    {
        // nats-server's errors.json: 10008 "JetStream system temporarily unavailable" (a cluster without a leader);
        // 10039 "jetstream not enabled for account", 10076 "jetstream not enabled"; 10059 "stream not found".
        Assert.True(StreamReplay.Transient(ApiError(503, 10008, "JetStream system temporarily unavailable")));
        Assert.True(StreamReplay.Transient(new NatsJSApiNoResponseException()));
        Assert.True(StreamReplay.Transient(new TimeoutException()));
        Assert.True(StreamReplay.Transient(new NatsException("socket closed")));

        Assert.False(StreamReplay.Transient(ApiError(503, 10039, "jetstream not enabled for account")));
        Assert.False(StreamReplay.Transient(ApiError(503, 10076, "jetstream not enabled")));
        Assert.False(StreamReplay.Transient(ApiError(404, 10059, "stream not found")));
        Assert.False(StreamReplay.Transient(new NatsNoRespondersException()));
        Assert.False(StreamReplay.Transient(new InvalidOperationException("a bug")));
    }

    private static NatsJSApiException ApiError(int code, int errCode, string description) =>
        new(new NATS.Client.JetStream.Models.ApiError { Code = code, ErrCode = errCode, Description = description });
}
