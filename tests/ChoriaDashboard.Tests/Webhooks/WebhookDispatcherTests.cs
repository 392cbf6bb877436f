using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.TestKit;
using ChoriaDashboard.Webhooks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace ChoriaDashboard.Tests.Webhooks;

/// <summary>What the webhook reader queues for which endpoint, fed updates as the fleet's stream carries them.</summary>
public sealed class WebhookDispatcherTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeFleetStore _fleet = new();
    private readonly HttpClient _http = new();
    private readonly WebhookDispatcher _dispatcher;

    public WebhookDispatcherTests()
    {
        var options = new WebhookOptions
        {
            Endpoints =
            [
                new() { Url = "http://127.0.0.1:1/all", Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Events = [.. WebhookEvents.Names] },
                new() { Url = "http://127.0.0.1:1/db", Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Events = [.. WebhookEvents.Names], Components = ["postgres"] },
            ],
        };
        _dispatcher = new WebhookDispatcher(
            _fleet, Options.Create(options), new WebhookSender(_http, options, TimeProvider.System, NullLogger<WebhookSender>.Instance), NullLogger<WebhookDispatcher>.Instance);
    }

    public void Dispose()
    {
        _dispatcher.Dispose();
        _http.Dispose();
    }

    [Fact]
    public void Observe_ReplayedAndGovernorNews_QueuesOnlyTheLiveNodeNews()
    {
        _dispatcher.Observe(Update(Currency(true),
            new FleetNews(At, NewsKind.Died, "old.example.net", "server", null, null, Replayed: true),
            new FleetNews(At, NewsKind.Governor, "web1.example.net", "CLI", null, "governor enter slot 1", Replayed: false),
            new FleetNews(At, NewsKind.Died, "web1.example.net", "server", null, null, Replayed: false)));

        Assert.Equal(["node.died web1.example.net"], Queued(0));
        Assert.Empty(Queued(1));
    }

    [Fact]
    public void Observe_CheckNewsWithAComponentFilter_PassesWhenTheIdentityRunsTheComponent()
    {
        _fleet.Publish(TestSnapshots.Node("db1.example.net", NodeState.Live, component: "postgres"), TestSnapshots.Node("web1.example.net", NodeState.Live));

        _dispatcher.Observe(Update(Currency(true),
            new FleetNews(At, NewsKind.CheckCritical, "db1.example.net", null, "check_pg", "PG CRITICAL", Replayed: false),
            new FleetNews(At, NewsKind.CheckCritical, "web1.example.net", null, "check_http", "HTTP CRITICAL", Replayed: false),
            new FleetNews(At, NewsKind.Started, "db1.example.net", "postgres", null, null, Replayed: false)));

        Assert.Equal(["check.critical db1.example.net", "check.critical web1.example.net", "node.started db1.example.net"], Queued(0));
        Assert.Equal(["check.critical db1.example.net", "node.started db1.example.net"], Queued(1));
    }

    [Fact]
    public void Observe_CurrencyTurns_PostsEachTurnOnceTheViewWasCurrentAndNotTheStartUp()
    {
        var lost = At.AddMinutes(5);

        // Connecting, then replaying at start: not news. Current for the first time: not news either.
        _dispatcher.Observe(Update(Currency(false)));
        _dispatcher.Observe(Update(Currency(false) with { Reason = "replaying history from Choria Streams" }));
        _dispatcher.Observe(Update(Currency(true)));
        Assert.Empty(Queued(0));

        _dispatcher.Observe(Update(Currency(false) with { NotCurrentSince = lost }));
        _dispatcher.Observe(Update(Currency(false) with { NotCurrentSince = lost, Reason = "still cut off" }));
        _dispatcher.Observe(Update(Currency(true)));

        Assert.Equal(["fleet.not_current ", "fleet.current "], Queued(0));
        // Fleet news passes every component filter.
        Assert.Equal(["fleet.not_current ", "fleet.current "], Queued(1));
    }

    [Fact]
    public void Observe_StartUpAsTheAppSeesIt_EmptyViewCurrentThenConnecting_PostsNothing()
    {
        // What the stream really carries at start: the empty view says current before the broker's state is known, then
        // "connecting", then current once connected.
        _dispatcher.Observe(Update(Currency(true), BrokerState.Connecting));
        _dispatcher.Observe(Update(Currency(false) with { Reason = "connecting to the broker" }, BrokerState.Connecting));
        _dispatcher.Observe(Update(Currency(true)));
        Assert.Empty(Queued(0));

        _dispatcher.Observe(Update(Currency(false), BrokerState.Disconnected));
        Assert.Equal(["fleet.not_current "], Queued(0));
    }

    private List<string> Queued(int endpoint)
    {
        var queued = new List<string>();
        while (_dispatcher.Receivers[endpoint].Queue.TryRead(out var news))
        {
            queued.Add($"{news.Name} {news.Subject}");
        }

        return queued;
    }

    private static ViewCurrency Currency(bool current) =>
        current ? ViewCurrency.Current : new ViewCurrency { IsCurrent = false, NotCurrentSince = At, Reason = "broker disconnected" };

    private static FleetUpdate Update(ViewCurrency currency, params FleetNews[] news) => Update(currency, BrokerState.Connected, news);

    private static FleetUpdate Update(ViewCurrency currency, BrokerState broker, params FleetNews[] news) => new()
    {
        Summary = FleetSummary.Empty with { Currency = currency, AsOf = At.AddMinutes(10) },
        Broker = new BrokerStatus(broker, At, null, 3, 3, null),
        News = news,
    };
}
