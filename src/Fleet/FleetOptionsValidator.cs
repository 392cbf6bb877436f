using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Fleet;

/// <summary>
/// Checks the fleet thresholds make sense together (stale before dead, dead before forgotten), the alive interval
/// bound, the check bound and the suspend gap are in range, and so are the fleet-wide caps.
/// </summary>
public sealed class FleetOptionsValidator : IValidateOptions<FleetOptions>
{
    /// <summary>Most components <c>Fleet:MaxComponents</c> may allow: each costs every summary and chart sample.</summary>
    private const int MaxComponentsLimit = 10_000;

    /// <summary>Most watchers <c>Fleet:MaxWatchers</c> may allow across the fleet.</summary>
    private const int MaxWatchersLimit = 100_000_000;

    public ValidateOptionsResult Validate(string? name, FleetOptions options)
    {
        var errors = new List<string>();
        Check(errors, "Fleet", new LivenessThresholds(options.StaleAfter, options.DeadAfter, options.ForgetAfter));
        foreach (var (component, _) in options.Components)
        {
            Check(errors, $"Fleet:Components:{component}", options.ThresholdsFor(component));
        }

        if (options.BatchDelay < TimeSpan.Zero || options.BatchDelay > TimeSpan.FromSeconds(1))
        {
            errors.Add($"Fleet:BatchDelay must be between 0 and 1 second, not {options.BatchDelay}.");
        }

        var sweepInRange = options.SweepInterval > TimeSpan.Zero && options.SweepInterval <= TimeSpan.FromMinutes(10);
        if (!sweepInRange)
        {
            errors.Add($"Fleet:SweepInterval must be between 0 and 10 minutes, not {options.SweepInterval}.");
        }

        if (options.SeriesInterval < TimeSpan.FromSeconds(1) || options.SeriesInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"Fleet:SeriesInterval must be between 1 second and 1 day, not {options.SeriesInterval}.");
        }

        if (options.MaxAliveInterval < TimeSpan.FromSeconds(1) || options.MaxAliveInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"Fleet:MaxAliveInterval must be between 1 second and 1 day, not {options.MaxAliveInterval}.");
        }

        if (options.CheckStaleAfter <= TimeSpan.Zero || options.CheckStaleAfter > TimeSpan.FromDays(7))
        {
            errors.Add($"Fleet:CheckStaleAfter must be between 0 and 7 days, not {options.CheckStaleAfter}.");
        }

        // Judged against the sweep interval only when that one is valid: one mistake, one message.
        if (options.SuspendGap != TimeSpan.Zero
            && ((sweepInRange && options.SuspendGap < options.SweepInterval * 2) || options.SuspendGap < TimeSpan.Zero || options.SuspendGap > TimeSpan.FromDays(1)))
        {
            errors.Add($"Fleet:SuspendGap must be 0 (off) or between twice Fleet:SweepInterval ({options.SweepInterval * 2}) and 1 day, not {options.SuspendGap}.");
        }

        if (options.MaxComponents is < 1 or > MaxComponentsLimit)
        {
            errors.Add($"Fleet:MaxComponents must be between 1 and {MaxComponentsLimit}, not {options.MaxComponents}.");
        }

        if (options.MaxWatchers is < 0 or > MaxWatchersLimit)
        {
            errors.Add($"Fleet:MaxWatchers must be between 0 and {MaxWatchersLimit}, not {options.MaxWatchers}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(List<string> errors, string prefix, LivenessThresholds t)
    {
        if (t.StaleAfter <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}:StaleAfter must be positive, not {t.StaleAfter}.");
        }

        if (t.DeadAfter <= t.StaleAfter)
        {
            errors.Add($"{prefix}:DeadAfter ({t.DeadAfter}) must be longer than StaleAfter ({t.StaleAfter}).");
        }

        if (t.ForgetAfter < t.DeadAfter)
        {
            errors.Add($"{prefix}:ForgetAfter ({t.ForgetAfter}) must not be shorter than DeadAfter ({t.DeadAfter}).");
        }
    }
}
