using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Components;

/// <summary>Checks the browser views' intervals, which DataAnnotations cannot bound: render rate, relative time refresh and how long a disconnected circuit is kept.</summary>
public sealed class UiOptionsValidator : IValidateOptions<UiOptions>
{
    public ValidateOptionsResult Validate(string? name, UiOptions options)
    {
        var errors = new List<string>();
        if (options.UpdateInterval < TimeSpan.FromMilliseconds(50) || options.UpdateInterval > TimeSpan.FromSeconds(30))
        {
            errors.Add("Ui:UpdateInterval must be between 50 ms and 30 s.");
        }

        if (options.RelativeTimeRefresh < TimeSpan.FromSeconds(1))
        {
            errors.Add("Ui:RelativeTimeRefresh must be at least 1 second.");
        }

        if (options.DisconnectedCircuitRetention < TimeSpan.Zero || options.DisconnectedCircuitRetention > TimeSpan.FromHours(1))
        {
            errors.Add("Ui:DisconnectedCircuitRetention must be between 0 and 1 hour.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
