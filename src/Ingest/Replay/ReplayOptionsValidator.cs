using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Ingest.Replay;

/// <summary>Checks the replay settings: a margin that is not negative, streams that keep events for some time, valid stream names, retries that wait a sensible time, pulls in flight that stay within 1 GiB.</summary>
public sealed class ReplayOptionsValidator : IValidateOptions<ReplayOptions>
{
    /// <summary>Most pulls a read may hold at once: beyond a few, more in flight only costs memory.</summary>
    private const int MaxPullsInFlight = 16;

    /// <summary>Most bytes of stream messages a read may hold at once (<c>PullsInFlight</c> × <c>PullMaxBytes</c>).</summary>
    private const long MaxBytesInFlight = 1024L * 1024 * 1024;

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

        if (options.PullsInFlight is < 1 or > MaxPullsInFlight)
        {
            errors.Add($"Replay:PullsInFlight must be between 1 and {MaxPullsInFlight}, not {options.PullsInFlight}.");
        }
        else if ((long)options.PullsInFlight * options.PullMaxBytes > MaxBytesInFlight)
        {
            errors.Add($"Replay:PullsInFlight ({options.PullsInFlight}) times Replay:PullMaxBytes ({options.PullMaxBytes}) must be at most 1 GiB: that many bytes of stream messages are held at once per stream.");
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
