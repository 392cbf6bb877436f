using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Api.Metrics;

/// <summary>Checks what DataAnnotations cannot: the prefix is a Prometheus metric name, the election key a NATS key, the TTL in tally's range.</summary>
public sealed partial class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var errors = new List<string>();
        if (!MetricName().IsMatch(options.Prefix ?? ""))
        {
            errors.Add("Metrics:Prefix must be a Prometheus metric name: letters, digits, '_' and ':', not starting with a digit.");
        }

        if (options.Components.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("Metrics:Components must not hold an empty name.");
        }

        if (!string.IsNullOrEmpty(options.Election) && !ElectionKey().IsMatch(options.Election))
        {
            errors.Add("Metrics:Election must be a key-value key: letters, digits, '-', '_', '/', '=' and '.', not starting or ending with '.'.");
        }

        // tally's election refuses a TTL under 1 s and a campaign (0.75 TTL) closer than 1 s to it: 4 s at least.
        if (options.ElectionTtl < TimeSpan.FromSeconds(4) || options.ElectionTtl > TimeSpan.FromHours(1))
        {
            errors.Add("Metrics:ElectionTtl must be between 4 seconds and 1 hour.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"^[-/_=a-zA-Z0-9]+(\.[-/_=a-zA-Z0-9]+)*$")]
    private static partial Regex ElectionKey();
}
