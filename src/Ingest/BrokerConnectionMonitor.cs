using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Fleet.Store;
using ChoriaDashboard.Ingest.Connection;
using NATS.Client.Core;

namespace ChoriaDashboard.Ingest;

/// <summary>
/// Tracks the connection to the broker from the NATS client's events and reports every change to the fleet, where pages,
/// endpoints and health checks read it (<see cref="Fleet.IFleetStatus.Broker"/>).
/// </summary>
public sealed class BrokerConnectionMonitor
{
    private readonly TimeProvider _time;
    private readonly IFleetWriter? _fleet;
    private readonly Lock _gate = new();
    private BrokerStatus _status;
    private CredentialExpiry? _expiry;
    private bool _presentsClientCertificate;

    public BrokerConnectionMonitor(TimeProvider time, IFleetWriter? fleet = null)
    {
        _time = time;
        _fleet = fleet;
        _status = new BrokerStatus(BrokerState.Connecting, time.GetUtcNow(), null, 0, 0, null);
    }

    public BrokerStatus Current => Volatile.Read(ref _status);

    /// <summary>Raised after every change; handlers must not block.</summary>
    public event Action<BrokerStatus>? Changed;

    public void Attach(INatsConnection connection, int expectedSubscriptions, BrokerConnectionSettings? settings = null)
    {
        // Live: the connection reads rotated credential files again at every attempt, and says when the new ones expire.
        _expiry = settings?.Expiry;
        _presentsClientCertificate = settings?.Tls?.CertFile is not null;
        Update(s => s with { ExpectedSubscriptions = expectedSubscriptions, Security = settings?.Description, Warning = settings?.Warning });
        connection.ConnectionOpened += (_, e) =>
        {
            Update(s => s with { State = BrokerState.Connected, Since = _time.GetUtcNow(), Server = NatsOptions.Redact(e.Message), LastError = null, Reason = null, RefusedSubjects = s.RefusedSubjects.Clear() });
            return ValueTask.CompletedTask;
        };
        // These two events carry the server's URL, not an error: the error in words, naming that server (with a cluster
        // of brokers, which one was lost and which one would not take us). Why an attempt failed comes from the client's
        // own report of it (ConnectionFailed).
        connection.ConnectionDisconnected += (_, e) =>
        {
            Update(s => s with { State = BrokerState.Reconnecting, Since = _time.GetUtcNow(), LastError = $"connection to {ServerName(e.Message)} lost" });
            return ValueTask.CompletedTask;
        };
        connection.ReconnectFailed += (_, e) =>
        {
            Update(s => s with { State = BrokerState.Reconnecting, LastError = $"could not connect to {ServerName(e.Message)}" });
            return ValueTask.CompletedTask;
        };
    }

    /// <summary>The connection failed for a reason found in an exception (the client's own events carry less).</summary>
    public void ConnectionFailed(Exception error)
    {
        var message = Describe(error);
        var reason = ReasonFor(message);
        if (reason is null && _presentsClientCertificate && BrokerFailureReason.IsClosedByPeer(message))
        {
            // TLS 1.3 sends the broker's verdict on our certificate after the handshake: all we see is the broker
            // hanging up, which during a connection attempt with a client certificate is that verdict.
            reason = BrokerFailureReason.ClientCertificateNotTrusted;
        }

        if (reason == BrokerFailureReason.SubscriptionRefused && BrokerFailureReason.RefusedSubject(message) is { } subject)
        {
            SubscriptionRefused(subject, reason);
            return;
        }

        Update(s => s with { LastError = message, Reason = reason ?? s.Reason });
    }

    /// <summary>A connection attempt was refused for a reason already in words (e.g. the broker's certificate).</summary>
    public void ConnectionRefused(string reason) => Update(s => s with { LastError = reason, Reason = reason });

    /// <summary>The broker refused a subscription; recorded per subject until it succeeds, and <see cref="Refused"/> raised.</summary>
    public void SubscriptionRefused(string subject, string reason)
    {
        Update(s => s with { RefusedSubjects = s.RefusedSubjects.SetItem(subject, reason), LastError = $"subscription to {subject}: {reason}" });
        Refused?.Invoke(subject);
    }

    /// <summary>
    /// Raised with the subject (as subscribed, wildcards included) when the broker refuses a subscription, so its loop can
    /// drop the dead subscription and try again; handlers must not block.
    /// </summary>
    public event Action<string>? Refused;

    /// <summary>The whole chain of messages: TLS alerts hide in inner exceptions.</summary>
    public static string Describe(Exception error)
    {
        var messages = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(" <- ", messages.Distinct());
    }

    private static string ServerName(string? url) => string.IsNullOrEmpty(url) ? "the broker" : NatsOptions.Redact(url);

    private string? ReasonFor(string? message) => BrokerFailureReason.Describe(message, _expiry?.ClientCertificate, _time.GetUtcNow(), _expiry?.Token);

    /// <summary>A subscription is in place (for a subject, confirmed by a round trip to the broker); clears its refusal.</summary>
    public void SubscriptionStarted(string? subject = null) => Update(s => s with
    {
        Subscriptions = s.Subscriptions + 1,
        RefusedSubjects = subject is null ? s.RefusedSubjects : s.RefusedSubjects.Remove(subject),
    });

    public void SubscriptionEnded() => Update(s => s with { Subscriptions = Math.Max(0, s.Subscriptions - 1) });

    /// <summary>A subscription failed or ended while the connection may be fine: keep the state, record why.</summary>
    public void SubscriptionFailed(string error) => Update(s => s with { LastError = error });

    public void Failed(string error) => Update(s => s with { State = BrokerState.Disconnected, Since = _time.GetUtcNow(), LastError = error, Reason = ReasonFor(error) ?? s.Reason });

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
