using ChoriaDashboard.Fleet;
using NATS.Client.Core;

namespace ChoriaDashboard.Ingest;

/// <summary>
/// Tracks the connection to the broker from the NATS client's events and reports every change to the fleet, where pages,
/// endpoints and health checks read it (<see cref="IFleetReader.Broker"/>).
/// </summary>
public sealed class BrokerConnectionMonitor
{
    private readonly TimeProvider _time;
    private readonly IFleetWriter? _fleet;
    private readonly Lock _gate = new();
    private BrokerStatus _status;

    public BrokerConnectionMonitor(TimeProvider time, IFleetWriter? fleet = null)
    {
        _time = time;
        _fleet = fleet;
        _status = new BrokerStatus(BrokerState.Connecting, time.GetUtcNow(), null, 0, 0, null);
    }

    public BrokerStatus Current => Volatile.Read(ref _status);

    /// <summary>Raised after every change; handlers must not block.</summary>
    public event Action<BrokerStatus>? Changed;

    public void Attach(INatsConnection connection, int expectedSubscriptions)
    {
        Update(s => s with { ExpectedSubscriptions = expectedSubscriptions });
        connection.ConnectionOpened += (_, e) =>
        {
            Update(s => s with { State = BrokerState.Connected, Since = _time.GetUtcNow(), Server = NatsOptions.Redact(e.Message), LastError = null });
            return ValueTask.CompletedTask;
        };
        connection.ConnectionDisconnected += (_, e) =>
        {
            Update(s => s with { State = BrokerState.Reconnecting, Since = _time.GetUtcNow(), LastError = e.Message });
            return ValueTask.CompletedTask;
        };
        connection.ReconnectFailed += (_, e) =>
        {
            Update(s => s with { State = BrokerState.Reconnecting, LastError = e.Message });
            return ValueTask.CompletedTask;
        };
    }

    public void SubscriptionStarted() => Update(s => s with { Subscriptions = s.Subscriptions + 1 });

    public void SubscriptionEnded() => Update(s => s with { Subscriptions = Math.Max(0, s.Subscriptions - 1) });

    /// <summary>A subscription failed or ended while the connection may be fine: keep the state, record why.</summary>
    public void SubscriptionFailed(string error) => Update(s => s with { LastError = error });

    public void Failed(string error) => Update(s => s with { State = BrokerState.Disconnected, Since = _time.GetUtcNow(), LastError = error });

    public void Closed() => Update(s => s with { State = BrokerState.Disconnected, Since = _time.GetUtcNow(), Subscriptions = 0 });

    /// <summary>Reconciles with the client's own state, which is the truth if an event was missed.</summary>
    public void Observe(NatsConnectionState state)
    {
        var mapped = state switch
        {
            NatsConnectionState.Open => BrokerState.Connected,
            NatsConnectionState.Reconnecting => BrokerState.Reconnecting,
            NatsConnectionState.Connecting => BrokerState.Connecting,
            _ => BrokerState.Disconnected,
        };
        if (Current.State != mapped)
        {
            Update(s => s with { State = mapped, Since = _time.GetUtcNow() });
        }
    }

    private void Update(Func<BrokerStatus, BrokerStatus> change)
    {
        BrokerStatus after;

        // The change and its report happen together: the subscription loops report at the same moment, and reports
        // that overtook each other would leave the fleet (and /readyz) on an older status than the monitor's.
        lock (_gate)
        {
            var before = _status;
            after = change(before);
            if (after == before)
            {
                return;
            }

            Volatile.Write(ref _status, after);
            _fleet?.ReportBroker(after);
        }

        Changed?.Invoke(after);
    }
}
