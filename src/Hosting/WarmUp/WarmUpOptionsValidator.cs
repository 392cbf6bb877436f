using ChoriaDashboard.Hosting.SignIn;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting.WarmUp;

/// <summary>Checks <see cref="WarmUpOptions"/>: the bound, and that every path is one of this app's pages.</summary>
public sealed class WarmUpOptionsValidator : IValidateOptions<WarmUpOptions>
{
    public const int MaxPaths = 32;

    public ValidateOptionsResult Validate(string? name, WarmUpOptions options)
    {
        var errors = new List<string>();
        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{WarmUpOptions.Section}:Timeout must be between 1 second and 10 minutes (was {options.Timeout}).");
        }

        if (options.Paths.Length > MaxPaths)
        {
            errors.Add($"{WarmUpOptions.Section}:Paths lists {options.Paths.Length} pages; at most {MaxPaths}.");
        }

        foreach (var path in options.Paths)
        {
            if (!IsPage(path))
            {
                errors.Add($"{WarmUpOptions.Section}:Paths: '{path}' is not a page of this app; give a local path such as /nodes or /nodes?state=dead (not /api, /export, /hubs, /metrics, /openapi or /_blazor).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>A path of this origin (<c>/</c> then no second <c>/</c> or <c>\</c>), not a machine's path or the circuit's.</summary>
    internal static bool IsPage(string? path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '/' || (path.Length > 1 && path[1] is '/' or '\\') || path.Any(char.IsControl) || path.Contains('#', StringComparison.Ordinal))
        {
            return false;
        }

        var pathOnly = new PathString(path.Split('?', 2)[0]);
        return !SignInSchemes.IsMachinePath(pathOnly) && !pathOnly.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase);
    }
}
