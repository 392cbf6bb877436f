using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Ingest.Replay;

/// <summary>Checks the replay settings: a margin that is not negative, streams that keep events for some time, valid stream names, retries that wait a sensible time.</summary>
public sealed class ReplayOptionsValidator : IValidateOptions<ReplayOptions>
{
    public ValidateOptionsResult Validate(string? name, ReplayOptions options)
    {
        var errors = new List<string>();
        if (options.Margin < TimeSpan.Zero || options.Margin > TimeSpan.FromDays(30))
        {
            errors.Add($"Replay:Margin must be between 0 and 30 days, not {options.Margin}.");
        }

        if (options.CreatedStreamMaxAge < TimeSpan.FromMinutes(1))
        {
            errors.Add($"Replay:CreatedStreamMaxAge must be at least 1 minute, not {options.CreatedStreamMaxAge}.");
        }

        if (options.RetryDelay < TimeSpan.FromMilliseconds(10) || options.RetryDelay > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Replay:RetryDelay must be between 10 ms and 10 minutes, not {options.RetryDelay}.");
        }

        if (options.MaxRetryDelay < options.RetryDelay || options.MaxRetryDelay > TimeSpan.FromHours(1))
        {
            errors.Add($"Replay:MaxRetryDelay must be between Replay:RetryDelay ({options.RetryDelay}) and 1 hour, not {options.MaxRetryDelay}.");
        }

        if (options.StallTimeout < TimeSpan.FromSeconds(1) || options.StallTimeout > TimeSpan.FromHours(1))
        {
            errors.Add($"Replay:StallTimeout must be between 1 second and 1 hour, not {options.StallTimeout}.");
        }

        foreach (var (key, stream) in new[] { ("Replay:EventsStream", options.EventsStream), ("Replay:MachineStream", options.MachineStream) })
        {
            // JetStream stream names: no white space, '.', '*', '>', path separators.
            if (!string.IsNullOrEmpty(stream) && stream.Any(c => char.IsWhiteSpace(c) || c is '.' or '*' or '>' or '/' or '\\'))
            {
                errors.Add($"{key} is not a valid stream name: '{stream}'.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
