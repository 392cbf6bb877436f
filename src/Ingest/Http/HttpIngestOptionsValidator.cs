using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Ingest.Http;

/// <summary>Checks what DataAnnotations cannot bound: the dedupe window, a time span.</summary>
public sealed class HttpIngestOptionsValidator : IValidateOptions<HttpIngestOptions>
{
    /// <summary>Longest <see cref="HttpIngestOptions.DedupeWindow"/>: well under Choria's 30-minute alive interval, whose repeated ids it must not swallow.</summary>
    public static readonly TimeSpan MaxDedupeWindow = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, HttpIngestOptions options)
    {
        var errors = new List<string>();
        if (options.DedupeWindow < TimeSpan.FromSeconds(1) || options.DedupeWindow > MaxDedupeWindow)
        {
            errors.Add("HttpIngest:DedupeWindow must be between 1 s and 5 min (Choria repeats an alive event's id every alive interval, 30 min since 0.29).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
