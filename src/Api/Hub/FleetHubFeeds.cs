using System.Text.Json;
using ChoriaDashboard.Fleet;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Api.Hub;

/// <summary>
/// One feed per distinct filter (the set of components a <c>Fleet</c> stream asked for, or all): one subscription to
/// the fleet's stream, one loop that merges its updates into at most one round per <c>Hub:UpdateInterval</c> and
/// serializes the round's parts once, and a <see cref="Broadcast{T}"/> of those rounds to every stream with that
/// filter. So 50 clients of one filter cost the server one merge and one serialization per round, not 50. A feed
/// starts with its first stream and stops with its last.
/// </summary>
public sealed partial class FleetHubFeeds : IDisposable
{
    private readonly IFleetView _fleet;
    private readonly FleetHubOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<FleetHubFeeds> _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Feed> _feeds = new(StringComparer.Ordinal);
    private long _closedLags;

    public FleetHubFeeds(IFleetView fleet, IOptions<FleetHubOptions> options, IOptions<JsonHubProtocolOptions> json, TimeProvider time, ILogger<FleetHubFeeds> logger)
    {
        _fleet = fleet;
        _options = options.Value;
        _time = time;
        _logger = logger;
        Json = json.Value.PayloadSerializerOptions;
    }

    /// <summary>The hub protocol's payload options: what every frame is serialized with.</summary>
    internal JsonSerializerOptions Json { get; }

    /// <summary>Feeds running now: the distinct filters of the open streams.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _feeds.Count;
            }
        }
    }

    /// <summary>
    /// Times a feed itself fell behind the fleet's stream (<c>Fleet:SubscriberBufferSize</c> updates) since start; each
    /// sent every stream of the feed a fresh snapshot.
    /// </summary>
    public long FellBehind
    {
        get
        {
            lock (_lock)
            {
                return _closedLags + _feeds.Values.Sum(f => f.Lags);
            }
        }
    }

    /// <summary>
    /// Joins the feed of <paramref name="components"/> (null for all), starting it if it is the first: the rounds from
    /// now on, at most <c>Hub:ClientBacklog</c> waiting; a stream further behind gets <see cref="FleetHubRound.Resynchronise"/>
    /// in place of its backlog. Dispose to leave.
    /// </summary>
    internal FeedSubscription Join(IReadOnlySet<string>? components)
    {
        var key = components is null ? "" : string.Join('\n', components.Order(StringComparer.Ordinal));
        lock (_lock)
        {
            if (!_feeds.TryGetValue(key, out var feed))
            {
                feed = new Feed(this, key, components);
                _feeds.Add(key, feed);
                LogFeedStarted(_logger, key.Length == 0 ? "all" : key.Replace('\n', ','));
            }

            feed.Streams++;
            return new FeedSubscription(this, key, feed, feed.Rounds.Subscribe(_options.ClientBacklog));
        }
    }

    private void Leave(string key, Feed feed)
    {
        lock (_lock)
        {
            if (--feed.Streams > 0)
            {
                return;
            }

            Retire(key, feed);
        }

        feed.Stop();
    }

    /// <summary>Under the lock: takes <paramref name="feed"/> out of the table, unless a newer feed of its filter is there.</summary>
    private void Retire(string key, Feed feed)
    {
        if (_feeds.TryGetValue(key, out var current) && ReferenceEquals(current, feed))
        {
            _feeds.Remove(key);
            _closedLags += feed.Lags;
        }
    }

    /// <summary>A feed whose loop failed: new streams of its filter start a new feed; its own streams end.</summary>
    private void Failed(string key, Feed feed)
    {
        lock (_lock)
        {
            Retire(key, feed);
        }
    }

    public void Dispose()
    {
        Feed[] feeds;
        lock (_lock)
        {
            feeds = [.. _feeds.Values];
            _feeds.Clear();
        }

        foreach (var feed in feeds)
        {
            feed.Stop();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Hub feed started for {Components}")]
    private static partial void LogFeedStarted(ILogger logger, string components);

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub feed for {Components} failed; its streams end with an error and their clients reconnect")]
    private static partial void LogFeedFailed(ILogger logger, Exception exception, string components);

    /// <summary>One stream's place in a feed. Dispose to leave (the feed stops when its last stream leaves).</summary>
    internal sealed class FeedSubscription(FleetHubFeeds feeds, string key, Feed feed, BroadcastSubscription<FleetHubRound> rounds) : IDisposable
    {
        private int _disposed;

        /// <summary>The rounds of the feed; <see cref="BroadcastSubscription{T}.Lags"/> counts this stream falling behind.</summary>
        public BroadcastSubscription<FleetHubRound> Rounds { get; } = rounds;

        /// <summary>The feed's loop failed: nothing more will come (a stream that fell behind may have missed the sign).</summary>
        public bool FeedFailed => feed.IsFailed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Rounds.Dispose();
                feeds.Leave(key, feed);
            }
        }
    }

    /// <summary>One filter's loop and the broadcast of its rounds.</summary>
    internal sealed class Feed
    {
        private readonly FleetHubFeeds _feeds;
        private readonly string _key;
        private readonly IReadOnlySet<string>? _components;
        private readonly BroadcastSubscription<FleetUpdate> _updates;
        private readonly CancellationTokenSource _stop = new();

        public Feed(FleetHubFeeds feeds, string key, IReadOnlySet<string>? components)
        {
            _feeds = feeds;
            _key = key;
            _components = components;
            Rounds = new Broadcast<FleetHubRound>((_, fellBehind) => fellBehind ? FleetHubRound.Resynchronise : FleetHubRound.Start);
            _updates = feeds._fleet.Subscribe();
            _ = Task.Run(RunAsync);
        }

        public Broadcast<FleetHubRound> Rounds { get; }

        /// <summary>Streams in this feed; changed under the feeds' lock only.</summary>
        public int Streams { get; set; }

        private volatile bool _failed;

        /// <summary>The loop failed; no more rounds come.</summary>
        public bool IsFailed => _failed;

        /// <summary>Times this feed fell behind the fleet's stream.</summary>
        public long Lags => _updates.Lags;

        public void Stop()
        {
            _stop.Cancel();
            _updates.Dispose();
        }

        private async Task RunAsync()
        {
            var options = _feeds._options;
            try
            {
                await foreach (var batch in _updates.ReadBatchesAsync(options.UpdateInterval, _feeds._time, _stop.Token))
                {
                    // After falling behind the batch is the fresh snapshot alone: every stream takes a snapshot of its own.
                    var start = 0;
                    for (var i = batch.Count - 1; i >= 0; i--)
                    {
                        if (batch[i].IsSnapshot)
                        {
                            Rounds.Publish(FleetHubRound.Resynchronise);
                            start = i + 1;
                            break;
                        }
                    }

                    List<FleetHubFrame>? frames = null;
                    foreach (var message in FleetHubStream.Changes(batch, start, _components, options.NodesPerMessage))
                    {
                        (frames ??= []).Add(FleetHubFrame.From(message, _feeds.Json));
                    }

                    if (frames is not null)
                    {
                        Rounds.Publish(new FleetHubRound(batch[^1].Revision, frames));
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // The last stream left.
            }
            catch (Exception e)
            {
                LogFeedFailed(_feeds._logger, e, _components is null ? "all" : string.Join(",", _components));
                _failed = true;
                _feeds.Failed(_key, this);
                Rounds.Publish(FleetHubRound.Failed);
            }
        }
    }
}

/// <summary>
/// What a feed hands its streams: a round of changes as frames (shared by every stream, never copied), or a sign: take
/// a fresh snapshot (<see cref="Resynchronise"/>), or end with an error (<see cref="Failed"/>).
/// </summary>
/// <param name="revision">The fleet's revision after the round (0 for a sign).</param>
/// <param name="frames">The round's parts, in order.</param>
internal sealed class FleetHubRound(long revision, IReadOnlyList<FleetHubFrame> frames)
{
    /// <summary>What a new stream starts from: nothing (it takes its own snapshot).</summary>
    public static readonly FleetHubRound Start = new(0, []);

    /// <summary>The stream (or its feed) fell behind: take a fresh snapshot; what was missed is in it.</summary>
    public static readonly FleetHubRound Resynchronise = new(0, []);

    /// <summary>The feed's loop failed: end the stream with an error.</summary>
    public static readonly FleetHubRound Failed = new(0, []);

    public long Revision { get; } = revision;

    public IReadOnlyList<FleetHubFrame> Frames { get; } = frames;
}
