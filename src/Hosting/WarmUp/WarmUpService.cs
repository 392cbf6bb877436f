using System.Diagnostics;
using ChoriaDashboard.Fleet;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting.WarmUp;

/// <summary>Where the warm-up is: not finished (readiness waits), done, or given up (ready anyway, a warning logged).</summary>
public enum WarmUpState
{
    Running,
    Done,
    GivenUp,
}

/// <summary>
/// Runs every <see cref="IWarmUpStep"/> once after the server has started and the broker is ready (connected, subscribed,
/// no replay running), within <c>Hosting:WarmUp:Timeout</c>, and
/// tells <see cref="WarmUpHealthCheck"/> when it is over. A step that throws, or a warm-up past its time, is a warning in
/// the log and never holds readiness back for longer.
/// </summary>
public sealed partial class WarmUpService(
    IEnumerable<IWarmUpStep> steps,
    IOptions<WarmUpOptions> options,
    IHostApplicationLifetime lifetime,
    IFleetStatus fleet,
    TimeProvider time,
    ILogger<WarmUpService> logger) : BackgroundService
{
    private static readonly TimeSpan BrokerPoll = TimeSpan.FromMilliseconds(50);
    private volatile string _summary = "waiting for the server to start";
    private int _state = (int)WarmUpState.Running;

    /// <summary>Where the warm-up is now.</summary>
    public WarmUpState State => (WarmUpState)Volatile.Read(ref _state);

    /// <summary>One line for <c>/readyz</c>: what is being done, or how it ended (no fleet data in it).</summary>
    public string Summary => _summary;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            Finish(WarmUpState.Done, "warm-up off");
            return;
        }

        // The pipeline exists once the server has started. Then the rest of readiness first (connected, subscribed, the
        // replay of Choria Streams over): the replay has the cores to itself, and the pages render the fleet it restored.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        _summary = "waiting for the broker before warming up the pages";
        while (!(fleet.Broker.Ready && fleet.Currency.Replay is null))
        {
            await Task.Delay(BrokerPoll, time, stoppingToken);
        }

        _summary = "warming up the pages";

        var timeout = options.Value.Timeout;
        var clock = Stopwatch.GetTimestamp();
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        bounded.CancelAfter(timeout);
        var failures = new List<string>();
        var run = RunStepsAsync(failures, bounded.Token);
        try
        {
            // WaitAsync as well as the token: a step that ignores cancellation still cannot hold readiness back.
            await run.WaitAsync(timeout, time, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            await bounded.CancelAsync();
            LogTimedOut(logger, timeout, string.Join("; ", failures.DefaultIfEmpty("none")));
            Finish(WarmUpState.GivenUp, $"warm-up given up after {timeout.TotalSeconds:0} s (see the log)");
            return;
        }

        var elapsed = Stopwatch.GetElapsedTime(clock);
        if (failures.Count > 0)
        {
            LogFailed(logger, elapsed.TotalMilliseconds, string.Join("; ", failures));
            Finish(WarmUpState.GivenUp, $"warm-up failed in part after {elapsed.TotalMilliseconds:0} ms (see the log)");
        }
        else
        {
            Finish(WarmUpState.Done, $"pages warmed in {elapsed.TotalMilliseconds:0} ms");
        }
    }

    private async Task RunStepsAsync(List<string> failures, CancellationToken cancellationToken)
    {
        foreach (var step in steps)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var done = await step.RunAsync(cancellationToken);
                LogStep(logger, step.Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds, done);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                // The other steps still run: each warms something else.
                lock (failures)
                {
                    failures.Add($"{step.Name}: {(e is WarmUpException ? e.Message : e.ToString())}");
                }
            }
        }
    }

    private void Finish(WarmUpState state, string summary)
    {
        _summary = summary;
        Volatile.Write(ref _state, (int)state);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warm-up {Step} done in {Milliseconds:0} ms: {Done}")]
    private static partial void LogStep(ILogger logger, string step, double milliseconds, string done);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up failed in part ({Milliseconds:0} ms); ready anyway, the first request to what failed will be slow: {Failures}")]
    private static partial void LogFailed(ILogger logger, double milliseconds, string failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up did not finish within Hosting:WarmUp:Timeout ({Timeout}); ready anyway, first requests may be slow. Failed before: {Failures}")]
    private static partial void LogTimedOut(ILogger logger, TimeSpan timeout, string failures);
}
