using Microsoft.Extensions.Logging;

namespace ChoriaDashboard.Components;

/// <summary>
/// Runs a costly callback (a page recomputing a large list) at most once per interval however often it is asked, and
/// never loses the last request: a request while a run is waiting is folded into that run. The interval adapts to the
/// callback's cost (<c>costFactor</c> times its last duration, at least <c>minInterval</c>), so a large fleet's list
/// cannot take the server's CPU from the ingest while a small one stays instant. Modelled on the .NET Aspire dashboard's
/// <c>CallbackThrottler</c>.
/// </summary>
public sealed class CallbackThrottler : IDisposable
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Func<Task> _callback;
    private readonly ILogger _logger;
    private readonly TimeSpan _minInterval;
    private readonly double _costFactor;
    private readonly CancellationTokenSource _cts = new();
    private long _lastEnd;
    private TimeSpan _lastCost;
    private bool _pending;
    private bool _running;
    private bool _ran;

    /// <param name="callback">The work; exceptions are logged, never thrown to the caller.</param>
    /// <param name="minInterval">Least time between the end of one run and the start of the next.</param>
    /// <param name="costFactor">The wait after a run is at least this many times what the run took.</param>
    public CallbackThrottler(TimeProvider time, Func<Task> callback, ILogger logger, TimeSpan minInterval, double costFactor = 4)
    {
        _time = time;
        _callback = callback;
        _logger = logger;
        _minInterval = minInterval;
        _costFactor = costFactor;
    }

    /// <summary>A run is waiting for its turn.</summary>
    public bool Pending
    {
        get
        {
            lock (_lock)
            {
                return _pending;
            }
        }
    }

    /// <summary>
    /// Runs the callback now if its interval has passed, else once when it has. Never two runs at once: a request while a
    /// run waits or works is folded into the next run, which waits its interval after the one working. The task
    /// completes when the runs this call started have ended, or at once for a request folded into runs under way.
    /// </summary>
    public Task ExecuteAsync()
    {
        lock (_lock)
        {
            if (_pending)
            {
                return Task.CompletedTask;
            }

            _pending = true;
            if (_running)
            {
                // The run working now will start one more once it has finished.
                return Task.CompletedTask;
            }

            _running = true;
        }

        return RunAsync();
    }

    /// <summary>The interval in force: <c>minInterval</c>, or <c>costFactor</c> times the last run's cost if longer.</summary>
    public TimeSpan Interval => TimeSpan.FromTicks(Math.Max(_minInterval.Ticks, (long)(_lastCost.Ticks * _costFactor)));

    private async Task RunAsync()
    {
        try
        {
            while (true)
            {
                TimeSpan wait;
                lock (_lock)
                {
                    wait = !_ran ? TimeSpan.Zero : Interval - _time.GetElapsedTime(_lastEnd);
                }

                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, _cts.Token).ConfigureAwait(false);
                }

                lock (_lock)
                {
                    // Requests from here on need another run: this one may already have read what they changed.
                    _pending = false;
                }

                var started = _time.GetTimestamp();
                try
                {
                    await _callback().ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException and not ObjectDisposedException)
                {
                    _logger.LogError(e, "A throttled recomputation failed");
                }

                lock (_lock)
                {
                    var ended = _time.GetTimestamp();
                    _lastCost = _time.GetElapsedTime(started, ended);
                    _lastEnd = ended;
                    _ran = true;
                    if (!_pending)
                    {
                        _running = false;
                        return;
                    }
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // The owner went away while a run waited or worked.
            lock (_lock)
            {
                _running = false;
                _pending = false;
            }
        }
    }

    /// <summary>Cancels a waiting run.</summary>
    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }
}
