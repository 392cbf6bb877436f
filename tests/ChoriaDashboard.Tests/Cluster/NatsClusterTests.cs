using System.Diagnostics;
using ChoriaDashboard.Tests.Infrastructure;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Xunit;
using Xunit.Abstractions;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Cluster;

/// <summary>
/// The <see cref="NatsCluster"/> fixture itself, before any dashboard test trusts it: Choria's streams replicated on
/// three servers survive one server down (stored, readable, caught up when it returns), and with two of three down the
/// JetStream API fails until they return.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NatsClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ReplicatedStreams_LeaderDown_MessagePublishedMeanwhileIsStoredReadableAndCaughtUpOnReturn()
    {
        await using var cluster = await NatsCluster.StartAsync();
        await cluster.RecreateChoriaStreamsAsync(3);
        var leader = await cluster.StreamLeaderAsync(ChoriaStreams.Events);
        var survivors = cluster.Nodes.Where(n => n != leader).ToList();
        await leader.StopAsync();
        var killed = Stopwatch.StartNew();

        // Published through one survivor, with a message id: a retry while the stream elects a new leader is stored once.
        var message = ChoriaEventEncoder.Encode(Startup("while-down.example.net"), WireFormat.Legacy);
        await using var publishing = Connect(survivors[0].Url);
        var js = new NatsJSContext(publishing);
        var attempts = new List<string>();
        var ack = await Eventually.ValueAsync(
            async () =>
            {
                try
                {
                    var answer = await js.PublishAsync(message.Subject, message.Body, opts: new NatsJSPubOpts { MsgId = "while-down-1" });
                    answer.EnsureSuccess();
                    return answer;
                }
                catch (Exception e) when (e is NatsException or TimeoutException)
                {
                    attempts.Add($"{e.GetType().Name}: {e.Message}");
                    return null;
                }
            },
            a => a is not null,
            Timeout,
            $"a survivor to store the message{Environment.NewLine}{cluster.Log}");
        output.WriteLine($"stored as {ack!.Stream} #{ack.Seq} {killed.Elapsed.TotalSeconds:0.0} s after killing the leader {leader}; {attempts.Count} attempts failed first: {string.Join(" | ", attempts.Distinct())}");
        Assert.Equal((ChoriaStreams.Events, 1UL, false), (ack.Stream, ack.Seq, ack.Duplicate));

        // Readable through the other survivor: the same subject and bytes, once.
        await using var reading = Connect(survivors[1].Url);
        var stored = await ReadAsync(new NatsJSContext(reading), ChoriaStreams.Events);
        Assert.Equal([(message.Subject, Convert.ToBase64String(message.Body))], stored);

        // Back on its port and store, the old leader catches up: three current replicas, and it serves the message too.
        await leader.StartAsync();
        await cluster.WaitStreamsCurrentAsync(3, Timeout);
        await using var returned = Connect(leader.Url);
        var info = (await new NatsJSContext(returned).GetStreamAsync(ChoriaStreams.Events)).Info;
        output.WriteLine($"after {leader.Name} returned: leader {info.Cluster?.Leader}, replicas {string.Join(", ", info.Cluster?.Replicas?.Select(r => $"{r.Name} current={r.Current}") ?? [])}");
        Assert.Equal(1L, info.State.Messages);
        // A read the moment it returns may find the stream's consumer placed while leadership settles and get nothing: the
        // same message, once, within the timeout.
        var served = await Eventually.ValueAsync(() => ReadAsync(new NatsJSContext(returned), ChoriaStreams.Events), r => r.Count > 0, Timeout, $"{leader.Name} to serve the stored message");
        Assert.Equal(stored, served);
    }

    /// <remarks>
    /// Measured on nats-server 2.9.10: for the first seconds (until the survivor gives up on the lost meta leader) every
    /// JetStream API request goes unanswered and the client times out (<see cref="NatsJSApiNoResponseException"/>); after
    /// that the survivor answers 503 "JetStream system temporarily unavailable" (10008) to a consumer create (stream info
    /// varies: answered without a leader, or 503). A publish to a stream subject, through a follower left alone, gets 503
    /// no responders (<see cref="NatsNoRespondersException"/>) from the start: nothing stores it.
    /// </remarks>
    [Fact]
    public async Task ReplicatedStreams_TwoOfThreeDown_StreamApiTimesOutThenAnswers503AndRecoversWhenTheyReturn()
    {
        await using var cluster = await NatsCluster.StartAsync();
        await cluster.RecreateChoriaStreamsAsync(3);
        var first = ChoriaEventEncoder.Encode(Startup("before.example.net"), WireFormat.Legacy);
        await using (var before = Connect(cluster.Urls))
        {
            (await new NatsJSContext(before).PublishAsync(first.Subject, first.Body)).EnsureSuccess();
        }

        // The stream's leader and one follower go; the other follower stays. (A leader left alone still takes a publish
        // it cannot replicate and never answers it: a timeout, not a 503.)
        var leader = await cluster.StreamLeaderAsync(ChoriaStreams.Events);
        var survivor = cluster.Nodes.First(n => n != leader);
        var gone = cluster.Nodes.Where(n => n != survivor).ToList();
        foreach (var node in gone)
        {
            await node.StopAsync();
        }

        var down = Stopwatch.StartNew();
        await using var alone = Connect(survivor.Url);
        var js = new NatsJSContext(alone);
        var message = ChoriaEventEncoder.Encode(Startup("during.example.net"), WireFormat.Legacy);
        var publish = await FailureAsync(async () => await alone.RequestAsync<byte[], byte[]>(message.Subject, message.Body));

        // What a replay does first: create a consumer. Asked again until the answer changes from silence to a 503.
        var consumer = new ConsumerConfig { Name = "probe", AckPolicy = ConsumerConfigAckPolicy.None, MemStorage = true, NumReplicas = 1 };
        var answers = new List<(TimeSpan At, (Exception? Error, TimeSpan After) Failure)>();
        await Eventually.TrueAsync(
            async () =>
            {
                answers.Add((down.Elapsed, await FailureAsync(() => js.CreateOrUpdateConsumerAsync(ChoriaStreams.Events, consumer).AsTask())));
                return answers[^1].Failure.Error is NatsJSApiException { Error.Code: 503 };
            },
            // Seen after 5 to 18 s: as long as the survivor takes to notice the meta group lost its quorum.
            TimeSpan.FromSeconds(40),
            "the survivor to answer 503");
        var info = await FailureAsync(() => js.GetStreamAsync(ChoriaStreams.Events).AsTask());
        var timeline = string.Join("; ", answers.Select(a => $"{a.At.TotalSeconds:0.0} s: {Describe(a.Failure)}"));
        output.WriteLine($"{string.Join(" and ", gone.Select(n => n.Name))} down, {survivor.Name} left. Publish: {Describe(publish)}. Consumer create: {timeline}. Stream info then: {Describe(info)}");

        Assert.IsType<NatsNoRespondersException>(publish.Error);
        Assert.IsType<NatsJSApiNoResponseException>(answers[0].Failure.Error);
        Assert.All(answers, a => Assert.True(a.Failure.Error is NatsJSApiNoResponseException or NatsJSApiException { Error.Code: 503 }, timeline));
        Assert.Equal(10008, ((NatsJSApiException)answers[^1].Failure.Error!).Error.ErrCode);

        foreach (var node in gone)
        {
            await node.StartAsync();
        }

        var back = Stopwatch.StartNew();
        await cluster.WaitJetStreamAsync(Timeout);
        await cluster.WaitStreamsCurrentAsync(3, Timeout);
        output.WriteLine($"streams current again {back.Elapsed.TotalSeconds:0.0} s after the two returned");
        var ack = await js.PublishAsync(message.Subject, message.Body);
        ack.EnsureSuccess();
        Assert.Equal(2UL, ack.Seq);
        Assert.Equal(
            [(first.Subject, Convert.ToBase64String(first.Body)), (message.Subject, Convert.ToBase64String(message.Body))],
            await ReadAsync(js, ChoriaStreams.Events));
    }

    private static NatsConnection Connect(string urls) =>
        new(new NatsOpts { Url = urls, Name = "test-cluster-client", RequestTimeout = TimeSpan.FromSeconds(2) });

    /// <summary>What <paramref name="act"/> threw (null when it succeeded), and after how long.</summary>
    private static async Task<(Exception? Error, TimeSpan After)> FailureAsync(Func<Task> act)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await act();
            return (null, watch.Elapsed);
        }
        catch (Exception e) when (e is NatsException or TimeoutException)
        {
            return (e, watch.Elapsed);
        }
    }

    private static string Describe((Exception? Error, TimeSpan After) failure)
    {
        var chain = new List<string>();
        for (var e = failure.Error; e is not null; e = e.InnerException)
        {
            chain.Add(e is NatsJSApiException api ? $"{e.GetType().Name} {api.Error.Code} ({api.Error.ErrCode}) {api.Error.Description}" : $"{e.GetType().Name}: {e.Message}");
        }

        return $"{(chain.Count == 0 ? "succeeded" : string.Join(" <- ", chain))} after {failure.After.TotalSeconds:0.00} s";
    }

    /// <summary>Every message in <paramref name="stream"/>, in order, as subject and base64 body (comparable as values).</summary>
    private static async Task<List<(string Subject, string Body)>> ReadAsync(NatsJSContext js, string stream)
    {
        var consumer = await js.CreateOrderedConsumerAsync(stream);
        var messages = new List<(string, string)>();
        await foreach (var msg in consumer.FetchNoWaitAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = 1000 }))
        {
            messages.Add((msg.Subject, Convert.ToBase64String(msg.Data!)));
        }

        return messages;
    }
}
