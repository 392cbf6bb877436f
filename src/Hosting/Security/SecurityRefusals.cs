using ChoriaDashboard.Events;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting.Security;

/// <summary>Why the hardened surface refused a request.</summary>
public enum RefusalReason
{
    /// <summary>A circuit or hub request from another origin (403).</summary>
    CrossOrigin,

    /// <summary>A client past <c>Security:ApiRequestsPerMinute</c> on <c>/api</c> (429).</summary>
    ApiRateLimit,

    /// <summary>An export while <c>Security:ConcurrentExports</c> run and <c>Security:ExportQueueLength</c> wait (429).</summary>
    ExportsBusy,

    /// <summary>A client past <c>Security:MaxCircuitsPerClient</c> open circuits (429).</summary>
    TooManyCircuits,

    /// <summary>An <c>/api</c> request with invalid parameters (400 with a validation problem naming them).</summary>
    InvalidParameters,

    /// <summary>A client past <c>Security:MaxHubConnectionsPerClient</c> open hub connections (429).</summary>
    TooManyHubConnections,

    /// <summary>A hub connection past <c>Hub:MaxConnections</c> open from every client together (503).</summary>
    HubFull,
}

/// <summary>
/// Counts refused requests by reason and logs them at a bounded rate (one line per reason per
/// <c>Security:RefusalLogInterval</c>, saying how many went unlogged), so a client hammering a limit cannot flood the log.
/// </summary>
public sealed class SecurityRefusals(ILogger<SecurityRefusals> logger, TimeProvider time, IOptions<SecurityOptions> options)
{
    private static readonly RefusalReason[] Reasons = Enum.GetValues<RefusalReason>();
    private readonly long[] _counts = new long[Reasons.Length];
    private readonly LogWindow[] _windows = [.. Reasons.Select(_ => new LogWindow())];
    private readonly TimeSpan _interval = options.Value.RefusalLogInterval;

    /// <summary>Requests refused so far, by reason.</summary>
    public IReadOnlyDictionary<RefusalReason, long> ByReason => Reasons.ToDictionary(r => r, r => Interlocked.Read(ref _counts[(int)r]));

    /// <summary>Counts a refusal of <paramref name="context"/>'s request, and logs it unless this reason was logged within the interval.</summary>
    public void Refused(RefusalReason reason, HttpContext context, string? detail = null)
    {
        var total = Interlocked.Increment(ref _counts[(int)reason]);
        var window = _windows[(int)reason];
        var now = time.GetUtcNow();
        long unlogged;
        lock (window)
        {
            if (now - window.LoggedAt < _interval)
            {
                window.Unlogged++;
                return;
            }

            unlogged = window.Unlogged;
            window.LoggedAt = now;
            window.Unlogged = 0;
        }

        // Origin, path and user name come from the request: cut and made printable before they reach the log.
        logger.LogWarning(
            "Refused {Reason}: {Method} {Path} from {Client}{Detail} ({Total} refused for this reason since start, {Unlogged} not logged since the last line)",
            reason,
            context.Request.Method,
            UntrustedText.Excerpt(context.Request.Path.Value ?? ""),
            UntrustedText.Excerpt(ClientKey.Of(context)),
            detail is null ? "" : ": " + UntrustedText.Excerpt(detail),
            total,
            unlogged);
    }

    private sealed class LogWindow
    {
        public DateTimeOffset LoggedAt = DateTimeOffset.MinValue;
        public long Unlogged;
    }
}
