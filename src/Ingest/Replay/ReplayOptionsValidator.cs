using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Ingest.Replay;

/// <summary>Checks the replay settings: a margin that is not negative, streams that keep events for some time, valid stream names.</summary>
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
