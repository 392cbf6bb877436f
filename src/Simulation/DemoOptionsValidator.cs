using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Simulation;

/// <summary>Checks the demo fleet's shape: an alive interval of at least a second, format shares that add up.</summary>
public sealed class DemoOptionsValidator : IValidateOptions<DemoOptions>
{
    public ValidateOptionsResult Validate(string? name, DemoOptions options)
    {
        var errors = new List<string>();
        if (options.AliveInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"Demo:AliveInterval must be at least 1 second, not {options.AliveInterval}.");
        }

        if (options.LegacyPercent + options.BinaryPercent > 100)
        {
            errors.Add("Demo:LegacyPercent + Demo:BinaryPercent must not exceed 100.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
