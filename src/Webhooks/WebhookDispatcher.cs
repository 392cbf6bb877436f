using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Webhooks;

/// <summary>What the page, the API and metrics read of webhook delivery.</summary>
public interface IWebhookStatus
{
    /// <summary>Each configured endpoint's counts, in configuration order.</summary>
    IReadOnlyList<WebhookEndpointStatus> Endpoints { get; }

    /// <summary>
    /// Times the webhook reader fell behind the fleet's stream (<c>Fleet:SubscriberBufferSize</c> updates) since start: the
    /// news in between was lost to webhooks, and not posted.
    /// </summary>
    long ReaderFellBehind { get; }
}

/// <summary>
/// The fleet's reader for webhooks: subscribes to the one stream and only enqueues (never waits on an endpoint), so
/// it keeps up with the writer. Takes live news (replayed news is history, told before a restart), and posts
/// <c>fleet.not_current</c> / <c>fleet.current</c> when the view's currency turns, once it has been current after
/// start (connecting and replaying at start is not news). One delivery loop per endpoint.
/// </summary>
public sealed partial class WebhookDispatcher : IHostedService, IWebhookStatus, IDisposable
{
    private readonly IFleetView _fleet;
    private readonly WebhookSender _sender;
    private readonly ILogger _logger;
    private readonly WebhookEndpoint[] _endpoints;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private BroadcastSubscription<FleetUpdate>? _subscription;
    private bool? _current;
    private int _stopped;

    public WebhookDispatcher(IFleetView fleet, IOptions<WebhookOptions> options, WebhookSender sender, ILogger<WebhookDispatcher> logger)
    {
        _fleet = fleet;
        _sender = sender;
        _logger = logger;
        var o = options.Value;
        _endpoints = [.. o.Endpoints.Select((e, i) => new WebhookEndpoint(i, e, o.QueueCapacity))];
    }

    public IReadOnlyList<WebhookEndpointStatus> Endpoints => [.. _endpoints.Select(e => e.Status())];

    public long ReaderFellBehind => _subscription?.Lags ?? 0;

    /// <summary>The endpoints at run time (for tests).</summary>
    internal IReadOnlyList<WebhookEndpoint> Receivers => _endpoints;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_endpoints.Length == 0)
        {
            return Task.CompletedTask;
        }

        // Subscribed before the ingest starts (registered ahead of it): no live news is missed.
        _subscription = _fleet.Subscribe();
        _loops.Add(Task.Run(() => ReadAsync(_subscription, _stop.Token), CancellationToken.None));
        foreach (var endpoint in _endpoints)
        {
            _loops.Add(Task.Run(() => _sender.RunAsync(endpoint, _stop.Token), CancellationToken.None));
        }

        Log.Started(_logger, _endpoints.Length);
        return Task.CompletedTask;
    }

    // The host may stop its services more than once (a test factory disposed): stopping again changes nothing.
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops).WaitAsync(cancellationToken).ConfigureAwait(false);
        var unsent = _endpoints.Sum(e => e.Queue.Count);
        if (unsent > 0)
        {
            Log.Unsent(_logger, unsent);
        }
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _stop.Dispose();
    }

    private async Task ReadAsync(BroadcastSubscription<FleetUpdate> subscription, CancellationToken stopping)
    {
        try
        {
            Observe(subscription.Initial);
            await foreach (var update in subscription.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                Observe(update);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var endpoint in _endpoints)
            {
                endpoint.Complete();
            }
        }
    }

    /// <summary>One update off the stream: its live news and a turn of the view's currency, queued for each endpoint that wants them.</summary>
    internal void Observe(FleetUpdate update)
    {
        if (update.Resynchronised)
        {
            Log.FellBehind(_logger);
        }

        foreach (var news in update.News)
        {
            if (news.Replayed || WebhookEvents.NameOf(news.Kind) is not { } name)
            {
                continue;
            }

            WebhookNews? item = null;
            foreach (var endpoint in _endpoints)
            {
                if (endpoint.Wants(name, news, _fleet))
                {
                    item ??= WebhookNews.Of(news, name, news.Component is { } component ? _fleet.Nodes.GetValueOrDefault(new NodeKey(news.Identity, component)) : null);
                    endpoint.Enqueue(item);
                }
            }
        }

        var currency = update.Currency;
        if (_current is null)
        {
            // Until the view is first current with the broker connected (before that: starting, connecting, replaying; the
            // empty view's default says current before the broker's state is known), its currency is not news.
            _current = currency.IsCurrent && update.Broker.State == BrokerState.Connected ? true : null;
            return;
        }

        if (currency.IsCurrent == _current)
        {
            return;
        }

        _current = currency.IsCurrent;
        var turned = WebhookNews.OfCurrency(currency, currency.NotCurrentSince ?? update.Summary.AsOf);
        foreach (var endpoint in _endpoints)
        {
            if (endpoint.Wants(turned.Name, null, _fleet))
            {
                endpoint.Enqueue(turned);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Webhooks: posting live news to {Endpoints} endpoints.")]
        public static partial void Started(ILogger logger, int endpoints);

        [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Webhooks fell behind the fleet's stream (Fleet:SubscriberBufferSize): the news in between is not posted.")]
        public static partial void FellBehind(ILogger logger);

        [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Webhooks stopped with {Unsent} deliveries still queued: they are not posted.")]
        public static partial void Unsent(ILogger logger, int unsent);
    }
}
