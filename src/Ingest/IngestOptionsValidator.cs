using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Ingest;

/// <summary>Checks the ingest limits DataAnnotations cannot express: a rejection log interval that is positive.</summary>
public sealed class IngestOptionsValidator : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        var errors = new List<string>();
        if (options.RejectionLogInterval <= TimeSpan.Zero)
        {
            errors.Add("Ingest:RejectionLogInterval must be positive.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
