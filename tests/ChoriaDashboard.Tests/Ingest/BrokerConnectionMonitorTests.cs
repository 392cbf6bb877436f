using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Fleet.Store;
using ChoriaDashboard.Ingest;
using Microsoft.Extensions.Time.Testing;
using NATS.Client.Core;
using Xunit;

namespace ChoriaDashboard.Tests.Ingest;

public sealed class BrokerConnectionMonitorTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly List<BrokerStatus> _changes = [];

    /// <summary>Never connected: only its events are attached to.</summary>
    private readonly NatsConnection _connection = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public void NewMonitor_IsConnectingSinceConstructionAndNotReady()
    {
        var monitor = new BrokerConnectionMonitor(_time);

        var status = monitor.Current;
        Assert.Equal(BrokerState.Connecting, status.State);
        Assert.Equal(Start, status.Since);
        Assert.Equal(0, status.Subscriptions);
        Assert.Null(status.LastError);
        Assert.False(status.Ready);
    }

    [Theory]
    [InlineData(BrokerState.Connected, 3, 3, true)]
    [InlineData(BrokerState.Connected, 1, 1, true)]
    [InlineData(BrokerState.Connected, 2, 3, false)]
    [InlineData(BrokerState.Connected, 0, 0, false)]
    [InlineData(BrokerState.Connecting, 3, 3, false)]
    [InlineData(BrokerState.Reconnecting, 3, 3, false)]
    [InlineData(BrokerState.Disconnected, 3, 3, false)]
    public void BrokerStatus_Ready_OnlyWhenConnectedWithEverySubscription(BrokerState state, int subscriptions, int expected, bool ready)
    {
        var status = new BrokerStatus(state, Start, "nats://broker:4222", subscriptions, expected, null);

        Assert.Equal(ready, status.Ready);
    }

    [Fact]
    public void Monitor_ConnectedAndAllSubscriptionsStarted_IsReady()
    {
        var monitor = new BrokerConnectionMonitor(_time);
        monitor.Attach(_connection, expectedSubscriptions: 3);
        Assert.Equal(3, monitor.Current.ExpectedSubscriptions);

        monitor.Observe(NatsConnectionState.Open);
        monitor.SubscriptionStarted();
        monitor.SubscriptionStarted();
        Assert.False(monitor.Current.Ready);

        monitor.SubscriptionStarted();
        Assert.True(monitor.Current.Ready);

        monitor.SubscriptionEnded();
        Assert.False(monitor.Current.Ready);
    }

    [Fact]
    public void Monitor_SubscriptionsUpButNotConnected_IsNotReady()
    {
        var monitor = new BrokerConnectionMonitor(_time);
        monitor.Attach(_connection, expectedSubscriptions: 1);

        monitor.SubscriptionStarted();

        Assert.False(monitor.Current.Ready);
        monitor.Observe(NatsConnectionState.Reconnecting);
        Assert.False(monitor.Current.Ready);
        monitor.Observe(NatsConnectionState.Open);
        Assert.True(monitor.Current.Ready);
    }

    [Fact]
    public void Monitor_NotAttached_IsNeverReady()
    {
        var monitor = new BrokerConnectionMonitor(_time);

        monitor.Observe(NatsConnectionState.Open);
        monitor.SubscriptionStarted();

        Assert.False(monitor.Current.Ready);
    }

    [Fact]
    public void Failed_IsDisconnectedWithTheErrorSinceNow()
    {
        var monitor = new BrokerConnectionMonitor(_time);
        _time.Advance(TimeSpan.FromSeconds(7));

        monitor.Failed("connection refused");

        var status = monitor.Current;
        Assert.Equal(BrokerState.Disconnected, status.State);
        Assert.Equal("connection refused", status.LastError);
        Assert.Equal(Start.AddSeconds(7), status.Since);
        Assert.False(status.Ready);
    }

    [Fact]
    public void Closed_IsDisconnectedWithNoSubscriptions()
    {
        var monitor = ReadyMonitor(expected: 2);
        _time.Advance(TimeSpan.FromMinutes(3));

        monitor.Closed();

        var status = monitor.Current;
        Assert.Equal(BrokerState.Disconnected, status.State);
        Assert.Equal(0, status.Subscriptions);
        Assert.Equal(2, status.ExpectedSubscriptions);
        Assert.Equal(Start.AddMinutes(3), status.Since);
        Assert.False(status.Ready);
    }

    [Fact]
    public void SubscriptionEnded_AfterClosed_NeverGoesNegative()
    {
        var monitor = ReadyMonitor(expected: 2);
        monitor.Closed();

        monitor.SubscriptionEnded();
        monitor.SubscriptionEnded();

        Assert.Equal(0, monitor.Current.Subscriptions);
    }

    [Theory]
    [InlineData(NatsConnectionState.Open, BrokerState.Connected)]
    [InlineData(NatsConnectionState.Reconnecting, BrokerState.Reconnecting)]
    [InlineData(NatsConnectionState.Closed, BrokerState.Disconnected)]
    public void Observe_ClientStateDiffers_AdoptsItSinceNow(NatsConnectionState client, BrokerState expected)
    {
        var monitor = new BrokerConnectionMonitor(_time);
        _time.Advance(TimeSpan.FromSeconds(30));

        monitor.Observe(client);

        Assert.Equal(expected, monitor.Current.State);
        Assert.Equal(Start.AddSeconds(30), monitor.Current.Since);
    }

    [Fact]
    public void Observe_SameState_KeepsTheOriginalSince()
    {
        var monitor = new BrokerConnectionMonitor(_time);
        _time.Advance(TimeSpan.FromSeconds(5));
        monitor.Observe(NatsConnectionState.Open);
        _time.Advance(TimeSpan.FromMinutes(10));

        monitor.Observe(NatsConnectionState.Open);

        Assert.Equal(Start.AddSeconds(5), monitor.Current.Since);
    }

    [Fact]
    public void Observe_OpenAfterFailure_IsConnectedAgain()
    {
        var monitor = new BrokerConnectionMonitor(_time);
        monitor.Failed("connection refused");
        _time.Advance(TimeSpan.FromSeconds(2));

        monitor.Observe(NatsConnectionState.Open);

        Assert.Equal(BrokerState.Connected, monitor.Current.State);
        Assert.Equal(Start.AddSeconds(2), monitor.Current.Since);
    }

    [Fact]
    public void Changed_RaisedOnEveryChangeWithTheNewStatus()
    {
        var monitor = new BrokerConnectionMonitor(_time);
        monitor.Changed += _changes.Add;

        monitor.Observe(NatsConnectionState.Open);
        monitor.SubscriptionStarted();
        _time.Advance(TimeSpan.FromSeconds(1));
        monitor.Failed("gone");

        Assert.Equal(3, _changes.Count);
        Assert.Equal(BrokerState.Connected, _changes[0].State);
        Assert.Equal(1, _changes[1].Subscriptions);
        Assert.Equal((BrokerState.Disconnected, "gone"), (_changes[2].State, _changes[2].LastError));
        Assert.Same(monitor.Current, _changes[^1]);
    }

    [Fact]
    public void Changed_NotRaisedWhenNothingChanges()
    {
        var monitor = new BrokerConnectionMonitor(_time);
        monitor.Observe(NatsConnectionState.Open);
        monitor.Failed("gone");
        monitor.Changed += _changes.Add;

        monitor.Observe(NatsConnectionState.Closed);
        monitor.Failed("gone");
        monitor.SubscriptionEnded();
        monitor.Closed();

        Assert.Empty(_changes);
    }

    [Fact]
    public void Changed_SameErrorLater_RaisedBecauseSinceMoved()
    {
        var monitor = new BrokerConnectionMonitor(_time);
        monitor.Failed("gone");
        monitor.Changed += _changes.Add;
        _time.Advance(TimeSpan.FromSeconds(5));

        monitor.Failed("gone");

        Assert.Equal(Start.AddSeconds(5), Assert.Single(_changes).Since);
    }

    private BrokerConnectionMonitor ReadyMonitor(int expected)
    {
        var monitor = new BrokerConnectionMonitor(_time);
        monitor.Attach(_connection, expected);
        monitor.Observe(NatsConnectionState.Open);
        for (var i = 0; i < expected; i++)
        {
            monitor.SubscriptionStarted();
        }

        Assert.True(monitor.Current.Ready);
        return monitor;
    }

    [Fact]
    public async Task SubscriptionsStartingTogether_FleetEndsOnTheMonitorsLatestStatus()
    {
        // The report of the first subscription is held until the second's has come in (or a second passed): without
        // reports made in order, the older status is written last and the fleet (and /readyz) stays one subscription short.
        var fleet = new HoldFirstReportWriter();
        var monitor = new BrokerConnectionMonitor(_time, fleet);

        await Task.WhenAll(Task.Run(() => monitor.SubscriptionStarted()), Task.Run(() => monitor.SubscriptionStarted()));

        Assert.Equal(2, monitor.Current.Subscriptions);
        Assert.Equal(monitor.Current, fleet.Last);
    }

    private sealed class HoldFirstReportWriter : IFleetWriter
    {
        private readonly ManualResetEventSlim _second = new();

        public BrokerStatus? Last { get; private set; }

        public void ReportBroker(BrokerStatus status)
        {
            if (status.Subscriptions == 1)
            {
                _second.Wait(TimeSpan.FromSeconds(1));
            }
            else
            {
                _second.Set();
            }

            Last = status;
        }

        public ValueTask EnqueueAsync(IngestBatch batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask EnqueueAsync(ChoriaEvent evt, string subject, DateTimeOffset receivedAt, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
