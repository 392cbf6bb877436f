using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ChoriaDashboard.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Ingest;

/// <summary>
/// Counts what arrived, what was applied and what was rejected (by reason), and logs rejections with their
/// subject at a bounded rate: a flood of bad messages cannot flood the log.
/// </summary>
public sealed class IngestStats
{
    private static readonly RejectionReason[] Reasons = Enum.GetValues<RejectionReason>();

    private readonly long[] _rejected = new long[Reasons.Length];
    private readonly LogWindow[] _windows = new LogWindow[Reasons.Length];
    private readonly ConcurrentDictionary<string, StrongBox<long>> _received = new(StringComparer.Ordinal);
    private readonly ILogger<IngestStats> _logger;
    private readonly TimeProvider _time;
    private readonly IngestOptions _options;
    private long _accepted;

    public IngestStats(ILogger<IngestStats> logger, TimeProvider time, IOptions<IngestOptions> options)
    {
        _logger = logger;
        _time = time;
        _options = options.Value;
        for (var i = 0; i < _windows.Length; i++)
        {
            _windows[i] = new LogWindow();
        }
    }

    public long Accepted => Interlocked.Read(ref _accepted);

    public long TotalRejected => _rejected.Sum();

    /// <summary>Messages received per subscription subject pattern.</summary>
    public IReadOnlyDictionary<string, long> ReceivedBySubscription =>
        _received.ToDictionary(r => r.Key, r => Interlocked.Read(ref r.Value.Value), StringComparer.Ordinal);

    public IReadOnlyDictionary<RejectionReason, long> RejectedByReason =>
        Reasons.ToDictionary(r => r, r => Interlocked.Read(ref _rejected[(int)r]));

    /// <summary>Counts a message on the hot path: a lock-free lookup and an interlocked increment.</summary>
    public void Received(string subscription) =>
        Interlocked.Increment(ref _received.GetOrAdd(subscription, static _ => new StrongBox<long>()).Value);

    public void Applied() => Interlocked.Increment(ref _accepted);

    /// <summary>Counts <paramref name="count"/> events the fleet writer accepted in one batch.</summary>
    public void Applied(int count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _accepted, count);
        }
    }

    /// <summary>Counts a rejection and logs it unless this reason has already been logged often in this interval.</summary>
    public void Rejected(RejectionReason reason, string subject, string? detail)
    {
        Interlocked.Increment(ref _rejected[(int)reason]);
        var window = _windows[(int)reason];
        var now = _time.GetUtcNow();
        int suppressed;
        lock (window)
        {
            if (now - window.Start >= _options.RejectionLogInterval)
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

            if (window.Logged >= _options.RejectionLogBurst)
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
