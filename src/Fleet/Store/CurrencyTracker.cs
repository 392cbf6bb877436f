using ChoriaDashboard.Fleet.Rules;
using ChoriaDashboard.Fleet.Status;

namespace ChoriaDashboard.Fleet.Store;

/// <summary>
/// Works out the view's <see cref="ViewCurrency"/> from what the ingest reports (broker status, replay status, dropped
/// messages) and keeps the periods the dashboard was cut off or not running (<see cref="DeafTime"/>, on the liveness
/// clock). Thread-safe: reports come from the ingest's threads, the writer reads.
/// </summary>
internal sealed class CurrencyTracker
{
    private readonly Lock _gate = new();
    private readonly DeafTime _deaf;
    private readonly LivenessClock? _clock;
    private readonly TimeSpan _missedEventsNotice;
    private BrokerStatus _broker;
    private ReplayStatus _replay = ReplayStatus.Off;
    private long _dropped;
    private long _droppedAtNotice;
    private DateTimeOffset? _lastDrop;
    private ViewCurrency _current;

    /// <param name="maxOutages">Cut-off periods remembered (<c>Fleet:MaxOutages</c>).</param>
    /// <param name="missedEventsNotice">How long "may be missing events" stays after the last dropped message.</param>
    /// <param name="clock">The liveness clock the deaf periods are kept on; without one, the wall-clock times given.</param>
    public CurrencyTracker(BrokerStatus initial, int maxOutages, TimeSpan missedEventsNotice, DateTimeOffset now, LivenessClock? clock = null)
    {
        _deaf = new DeafTime(maxOutages);
        _clock = clock;
        _missedEventsNotice = missedEventsNotice;
        _broker = initial;
        _deaf.Set(IsDeaf(initial), Heard(now));
        _current = Compute(now, null);
    }

    public ViewCurrency Current => Volatile.Read(ref _current);

    /// <summary>Records the broker's new status; true when the currency changed.</summary>
    public bool Broker(BrokerStatus status, DateTimeOffset now)
    {
        lock (_gate)
        {
            _broker = status;
            _deaf.Set(IsDeaf(status), Heard(now));
            return Refresh(now);
        }
    }

    /// <summary>
    /// Records the replay's new status; true when the currency changed. A <see cref="ReplayState.Replaying"/> report after
    /// the replay ended (<see cref="ReplayStatus.Ended"/>) is a late progress report and is ignored: it would freeze
    /// liveness with nothing left to report again. A replay given up part-way takes what it covered out of the deaf
    /// time, then puts back what it did not reach (<see cref="ReplayStatus.Unheard"/>).
    /// </summary>
    public bool Replay(ReplayStatus status, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (status.State == ReplayState.Replaying && _replay.Ended)
            {
                return false;
            }

            _replay = status;
            if (status is { State: ReplayState.CaughtUp or ReplayState.GivenUp, HeardFrom: { } from, HeardUntil: { } until })
            {
                _deaf.Heard(FromWall(from), FromWall(until));
                foreach (var (start, end) in status.Unheard)
                {
                    _deaf.Unheard(FromWall(start), FromWall(end));
                }
            }

            return Refresh(now);
        }
    }

    /// <summary>The NATS client's count of dropped messages now; true when the currency changed.</summary>
    public bool Dropped(long dropped, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (dropped > _dropped)
            {
                _dropped = dropped;
                _lastDrop = now;
            }

            return Refresh(now);
        }
    }

    /// <summary>The deaf periods up to <paramref name="heardNow"/> (on the liveness clock), for the sweep.</summary>
    public DeafTimeline Deaf(DateTimeOffset heardNow) => _deaf.Snapshot(heardNow);

    /// <summary>
    /// The dashboard did not run between <paramref name="from"/> and <paramref name="to"/> (on the liveness clock): a
    /// suspended VM. That time counts as deaf; true when the currency changed (its deaf time).
    /// </summary>
    public bool Suspended(DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        lock (_gate)
        {
            _deaf.Add(from, to);
            return Refresh(now);
        }
    }

    /// <summary>The wall-clock <paramref name="now"/> on the liveness clock.</summary>
    private DateTimeOffset Heard(DateTimeOffset now) => _clock?.Now ?? now;

    private DateTimeOffset FromWall(DateTimeOffset wall) => _clock?.FromWall(wall) ?? wall;

    private bool Refresh(DateTimeOffset now)
    {
        var next = Compute(now, _current);
        if (next == _current)
        {
            return false;
        }

        Volatile.Write(ref _current, next);
        return true;
    }

    private ViewCurrency Compute(DateTimeOffset now, ViewCurrency? before)
    {
        var missing = _lastDrop is { } drop && now - drop < _missedEventsNotice;
        if (!missing)
        {
            _droppedAtNotice = _dropped;
        }

        var replaying = _replay.State == ReplayState.Replaying;
        var cutOff = IsCutOff(_broker);
        string? reason = cutOff ? CutOffReason(_broker)
            : replaying ? ReplayingReason(_replay.Progress)
            : missing ? $"the NATS client dropped {_dropped - _droppedAtNotice:N0} messages (slow consumer): the view may be missing events"
            : null;
        var isCurrent = reason is null;
        return new ViewCurrency
        {
            IsCurrent = isCurrent,
            NotCurrentSince = isCurrent ? null : before is { IsCurrent: false, NotCurrentSince: { } since } ? since : now,
            Reason = reason,
            LivenessPaused = IsDeaf(_broker) || replaying,
            MayBeMissingEvents = missing,
            Replay = replaying ? _replay.Progress : null,
            HistoryUnavailable = _replay.State == ReplayState.Unavailable || (_replay.State == ReplayState.CaughtUp && _replay.Reason is not null) ? _replay.Reason : null,
            HistoryIncomplete = _replay.State == ReplayState.GivenUp ? _replay.Reason : null,
            ReplayInterruptions = _replay.Progress?.Interruptions ?? 0,
            DeafTime = RoundedDeafTime(),
        };
    }

    // Whole seconds, periods that ended only (also while cut off again: earlier outages stay visible): the currency is
    // compared to decide whether readers hear of a change, and an open period would change it every second.
    private TimeSpan RoundedDeafTime() => TimeSpan.FromSeconds(Math.Floor(_deaf.ClosedTotal().TotalSeconds));

    // Expecting no subscriptions means no ingest reported yet (a store on its own, in tests and benchmarks): nothing to be
    // cut off from.
    private static bool IsCutOff(BrokerStatus broker) => broker.ExpectedSubscriptions > 0 && !broker.Ready;

    // Node liveness depends on lifecycle events only: cut off from them, node states freeze (and the silence does not
    // count). Connected, with every subscription in place but refused machine ones, liveness goes on; the view is still
    // not current, and says which subject is refused.
    private static bool IsDeaf(BrokerStatus broker) =>
        IsCutOff(broker)
        && !(broker.State == BrokerState.Connected
            && !broker.RefusedSubjects.IsEmpty
            && broker.Subscriptions + broker.RefusedSubjects.Count >= broker.ExpectedSubscriptions
            && broker.RefusedSubjects.Keys.All(IsMachineSubject));

    private static bool IsMachineSubject(string subject) => subject.StartsWith("choria.machine.", StringComparison.Ordinal);

    // While an interrupted replay waits to resume, the banner says what interrupted it: on-call staff see why the view
    // stays frozen, and that it is not stuck.
    private static string ReplayingReason(ReplayProgress? progress) => progress?.Resuming is { } resuming
        ? $"replaying history from Choria Streams; interrupted ({resuming})"
        : "replaying history from Choria Streams";

    private static string CutOffReason(BrokerStatus broker)
    {
        if (!broker.RefusedSubjects.IsEmpty)
        {
            return $"the broker refused the subscription to {string.Join(", ", broker.RefusedSubjects.Keys)}";
        }

        return broker.State switch
        {
            BrokerState.Connecting => "connecting to the broker",
            BrokerState.Reconnecting => "broker disconnected, reconnecting",
            BrokerState.Disconnected => "broker disconnected",
            _ => $"subscribed to {broker.Subscriptions} of {broker.ExpectedSubscriptions} subjects",
        };
    }
}
