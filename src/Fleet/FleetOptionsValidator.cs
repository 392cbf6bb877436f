using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Fleet;

/// <summary>Checks the fleet thresholds make sense together: stale before dead, dead before forgotten.</summary>
public sealed class FleetOptionsValidator : IValidateOptions<FleetOptions>
{
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

        if (options.SweepInterval <= TimeSpan.Zero || options.SweepInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Fleet:SweepInterval must be between 0 and 10 minutes, not {options.SweepInterval}.");
        }

        if (options.SeriesInterval < TimeSpan.FromSeconds(1) || options.SeriesInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"Fleet:SeriesInterval must be between 1 second and 1 day, not {options.SeriesInterval}.");
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
