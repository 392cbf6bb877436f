using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Status;
using Microsoft.Extensions.Logging;

namespace ChoriaDashboard.Fleet.Store;

/// <summary>
/// Counts what arrived, what the fleet accepted and what was rejected (by reason), and logs rejections with their
/// subject at a bounded rate: a flood of bad messages cannot flood the log. The ingest loops and the fleet writer
/// count into it concurrently; pages and endpoints read it through <see cref="IFleetStatus.Ingest"/>.
/// </summary>
public sealed class IngestCounters : IIngestCounts
{
    private static readonly RejectionReason[] Reasons = Enum.GetValues<RejectionReason>();

    private readonly long[] _rejected = new long[Reasons.Length];
    private readonly LogWindow[] _windows = new LogWindow[Reasons.Length];
    private readonly ConcurrentDictionary<string, StrongBox<long>> _received = new(StringComparer.Ordinal);
    private readonly ILogger<IngestCounters> _logger;
    private readonly TimeProvider _time;
    private readonly int _logBurst;
    private readonly TimeSpan _logInterval;
    private long _accepted;
    private long _superseded;
    private readonly IFleetObserver? _observer;

    /// <param name="logBurst">Rejections logged per reason in each <paramref name="logInterval"/>; the rest are only counted.</param>
    /// <param name="observer">Told of every rejection (metrics); none when null.</param>
    public IngestCounters(ILogger<IngestCounters> logger, TimeProvider time, int logBurst, TimeSpan logInterval, IFleetObserver? observer = null)
    {
        _observer = observer;
        _logger = logger;
        _time = time;
        _logBurst = logBurst;
        _logInterval = logInterval;
        for (var i = 0; i < _windows.Length; i++)
        {
            _windows[i] = new LogWindow();
        }
    }

    public long Accepted => Interlocked.Read(ref _accepted);

    public long TotalRejected => _rejected.Sum();

    public long Superseded => Interlocked.Read(ref _superseded);

    /// <summary>Messages the NATS client dropped because the ingest fell behind (slow consumer).</summary>
    public long Dropped => Interlocked.Read(ref _rejected[(int)RejectionReason.Dropped]);

    /// <summary>Messages received per subscription subject pattern.</summary>
    public IReadOnlyDictionary<string, long> ReceivedBySubscription =>
        _received.ToDictionary(r => r.Key, r => Interlocked.Read(ref r.Value.Value), StringComparer.Ordinal);

    public IReadOnlyDictionary<RejectionReason, long> RejectedByReason =>
        Reasons.ToDictionary(r => r, r => Interlocked.Read(ref _rejected[(int)r]));

    /// <summary>Counts a message on the hot path: a lock-free lookup and an interlocked increment.</summary>
    public void Received(string subscription) =>
        Interlocked.Increment(ref _received.GetOrAdd(subscription, static _ => new StrongBox<long>()).Value);

    /// <summary>Counts <paramref name="count"/> events the fleet writer accepted in one batch.</summary>
    public void AddAccepted(int count = 1)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _accepted, count);
        }
    }

    /// <summary>Counts a replayed event that was superseded (older than what the fleet already knows).</summary>
    public void AddSuperseded() => Interlocked.Increment(ref _superseded);

    /// <summary>Counts a rejection and logs it unless this reason has already been logged often in this interval.</summary>
    public void Rejected(RejectionReason reason, string subject, string? detail)
    {
        Interlocked.Increment(ref _rejected[(int)reason]);
        _observer?.Rejected(reason, subject);
        var window = _windows[(int)reason];
        var now = _time.GetUtcNow();
        int suppressed;
        lock (window)
        {
            if (now - window.Start >= _logInterval)
            {
                suppressed = window.Suppressed;
                window.Start = now;
                window.Logged = 0;
                window.Suppressed = 0;
            }
            else
            {
                suppressed = 0;
            }

            if (window.Logged >= _logBurst)
            {
                window.Suppressed++;
                return;
            }

            window.Logged++;
        }

        _logger.LogWarning(
            "Rejected a message on {Subject}: {Reason}: {Detail}{Suppressed}",
            UntrustedText.Excerpt(subject),
            reason,
            detail,
            suppressed > 0 ? $" ({suppressed} more {reason} rejections were not logged in the previous interval)" : "");
    }

    private sealed class LogWindow
    {
        public DateTimeOffset Start = DateTimeOffset.MinValue;
        public int Logged;
        public int Suppressed;
    }
}
