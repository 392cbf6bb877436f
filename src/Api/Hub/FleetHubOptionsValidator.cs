using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Api.Hub;

/// <summary>Checks the hub's intervals, which DataAnnotations cannot bound.</summary>
public sealed class FleetHubOptionsValidator : IValidateOptions<FleetHubOptions>
{
    public ValidateOptionsResult Validate(string? name, FleetHubOptions options)
    {
        var errors = new List<string>();
        if (options.UpdateInterval < TimeSpan.FromMilliseconds(50) || options.UpdateInterval > TimeSpan.FromSeconds(60))
        {
            errors.Add("Hub:UpdateInterval must be between 50 ms and 60 s.");
        }

        if (options.KeepAliveInterval < TimeSpan.FromSeconds(1) || options.KeepAliveInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add("Hub:KeepAliveInterval must be between 1 s and 10 min.");
        }

        if (options.ClientTimeout < 2 * options.KeepAliveInterval)
        {
            errors.Add("Hub:ClientTimeout must be at least twice Hub:KeepAliveInterval.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
