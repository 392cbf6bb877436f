using System.Net.Http.Headers;
using System.Text;
using System.Threading.Channels;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Webhooks;

/// <summary>
/// One receiver at run time: what it wants, its bounded queue (full: the oldest delivery is dropped and counted), and
/// its counts. The fleet reader enqueues, the endpoint's one delivery loop dequeues; the page and the API read the counts.
/// </summary>
public sealed class WebhookEndpoint
{
    private readonly Channel<WebhookNews> _queue;
    private readonly HashSet<string> _events;
    private readonly string[] _components;
    private readonly Lock _lock = new();
    private long _delivered;
    private long _failedAttempts;
    private long _givenUp;
    private long _dropped;
    private DateTimeOffset? _lastSuccessAt;
    private DateTimeOffset? _lastFailureAt;
    private string? _lastFailure;

    /// <param name="index">Its place in <c>Webhooks:Endpoints</c>: how the page, the API and metrics name it.</param>
    /// <param name="options">Checked at start (<see cref="WebhookOptionsValidator"/>).</param>
    /// <param name="capacity">Deliveries waiting at most (<c>Webhooks:QueueCapacity</c>).</param>
    public WebhookEndpoint(int index, WebhookEndpointOptions options, int capacity)
    {
        Index = index;
        var url = new Uri(options.Url, UriKind.Absolute);
        Url = new UriBuilder(url) { UserName = "", Password = "" }.Uri;
        DisplayUrl = Redact(url);
        if (url.UserInfo.Length > 0)
        {
            Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(url.UserInfo))));
        }

        Key = WebhookSignature.DecodeSecret(options.Secret) ?? throw new ArgumentException("not a whsec_ secret", nameof(options));
        _events = [.. options.Events];
        _components = options.Components;
        Capacity = capacity;
        _queue = Channel.CreateBounded<WebhookNews>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    public int Index { get; }

    /// <summary>Where deliveries go, without user information.</summary>
    internal Uri Url { get; }

    /// <summary>The URL as it may be shown: scheme, host, port and path; no user information, a query as <c>?…</c>.</summary>
    public string DisplayUrl { get; }

    /// <summary>Basic authentication from the URL's user information; null without.</summary>
    internal AuthenticationHeaderValue? Authorization { get; }

    /// <summary>The signing key (the secret's bytes).</summary>
    internal byte[] Key { get; }

    public int Capacity { get; }

    /// <summary>The event names it takes, in the documentation's order.</summary>
    public IReadOnlyList<string> Events => [.. WebhookEvents.Names.Where(_events.Contains)];

    /// <summary>The components it is limited to; empty for all.</summary>
    public IReadOnlyList<string> Components => _components;

    internal ChannelReader<WebhookNews> Queue => _queue.Reader;

    /// <summary>Whether it takes the event <paramref name="name"/> about <paramref name="news"/> (null: fleet news).</summary>
    internal bool Wants(string name, FleetNews? news, IFleetView fleet)
    {
        if (!_events.Contains(name))
        {
            return false;
        }

        if (news is null || _components.Length == 0)
        {
            return true;
        }

        if (news.Component is { } component)
        {
            return Array.IndexOf(_components, component) >= 0;
        }

        // A check belongs to an identity, not a component: it passes when the identity runs one of them.
        var nodes = fleet.Nodes;
        foreach (var wanted in _components)
        {
            if (nodes.ContainsKey(new NodeKey(news.Identity, wanted)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Queues without waiting; a full queue drops its oldest delivery (counted in <see cref="WebhookEndpointStatus.Dropped"/>).</summary>
    internal void Enqueue(WebhookNews news) => _queue.Writer.TryWrite(news);

    /// <summary>No more deliveries will be queued: the delivery loop ends once the queue is empty.</summary>
    internal void Complete() => _queue.Writer.TryComplete();

    internal void Delivered(DateTimeOffset at)
    {
        Interlocked.Increment(ref _delivered);
        lock (_lock)
        {
            _lastSuccessAt = at;
        }
    }

    /// <summary>One attempt failed; <paramref name="reason"/> is in words, never with the URL or a secret.</summary>
    /// <returns>True when the endpoint was working until now (no failure since its last success), for a log line per turn.</returns>
    internal bool AttemptFailed(DateTimeOffset at, string reason)
    {
        Interlocked.Increment(ref _failedAttempts);
        lock (_lock)
        {
            var turned = _lastFailureAt is null || (_lastSuccessAt is { } success && success >= _lastFailureAt);
            _lastFailureAt = at;
            _lastFailure = reason;
            return turned;
        }
    }

    internal void GaveUp() => Interlocked.Increment(ref _givenUp);

    /// <summary>Its counts now.</summary>
    public WebhookEndpointStatus Status()
    {
        lock (_lock)
        {
            return new WebhookEndpointStatus(
                Index, DisplayUrl, Events, Components, Interlocked.Read(ref _delivered), Interlocked.Read(ref _failedAttempts), Interlocked.Read(ref _givenUp),
                Interlocked.Read(ref _dropped), _queue.Reader.Count, Capacity, _lastSuccessAt, _lastFailureAt, _lastFailure);
        }
    }

    private static string Redact(Uri url)
    {
        var shown = url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        return url.Query.Length > 1 ? shown + "?…" : shown;
    }
}

/// <summary>One endpoint's delivery counts, as <c>GET /api/webhooks</c> and the <c>/webhooks</c> page show them.</summary>
/// <param name="Index">Its place in <c>Webhooks:Endpoints</c> (from 0).</param>
/// <param name="Url">Scheme, host, port and path: no user information, a query shown as <c>?…</c>.</param>
/// <param name="Events">The event names it takes.</param>
/// <param name="Components">The components it is limited to; empty for all.</param>
/// <param name="Delivered">Deliveries the receiver accepted (a 2xx answer) since start; a retried delivery counts once.</param>
/// <param name="FailedAttempts">Attempts that failed (no connection, no answer within <c>Webhooks:AttemptTimeout</c>, not a 2xx answer).</param>
/// <param name="GivenUp">Deliveries given up: <c>Webhooks:MaxAttempts</c> failed, or an answer not worth retrying (a 4xx but 408 and 429).</param>
/// <param name="Dropped">Deliveries dropped unsent from a full queue (the oldest first).</param>
/// <param name="QueueLength">Deliveries waiting now.</param>
/// <param name="QueueCapacity">Deliveries that may wait at most (<c>Webhooks:QueueCapacity</c>).</param>
/// <param name="LastSuccessAt">When a delivery last succeeded; null before the first.</param>
/// <param name="LastFailureAt">When an attempt last failed; null before the first.</param>
/// <param name="LastFailure">Why it failed, in words (<c>HTTP 500</c>, <c>no answer within 00:00:10</c>, <c>connection refused</c>).</param>
public sealed record WebhookEndpointStatus(
    int Index,
    string Url,
    IReadOnlyList<string> Events,
    IReadOnlyList<string> Components,
    long Delivered,
    long FailedAttempts,
    long GivenUp,
    long Dropped,
    int QueueLength,
    int QueueCapacity,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? LastFailureAt,
    string? LastFailure);
