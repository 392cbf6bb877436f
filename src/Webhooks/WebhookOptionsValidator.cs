using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Webhooks;

/// <summary>
/// Checks every endpoint (an absolute http(s) URL, a Standard Webhooks secret, known event names) and the retry timings.
/// A message names the setting (<c>Webhooks:Endpoints:0:Url</c>) and never repeats a URL or a secret: either may hold a
/// password.
/// </summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    /// <summary>Shortest secret accepted, in bytes once decoded (Standard Webhooks asks for 24 to 64; some receivers use less).</summary>
    internal const int MinSecretBytes = 16;

    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.Endpoints.Count; i++)
        {
            var endpoint = options.Endpoints[i];
            var key = $"{WebhookOptions.Section}:Endpoints:{i}";
            if (!Uri.TryCreate(endpoint.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(url.Host))
            {
                errors.Add($"{key}:Url must be an absolute http or https URL.");
            }

            if (string.IsNullOrWhiteSpace(endpoint.Secret))
            {
                errors.Add($"{key}:Secret is missing: a Standard Webhooks secret, whsec_ followed by base64.");
            }
            else if (WebhookSignature.DecodeSecret(endpoint.Secret) is not { Length: >= MinSecretBytes })
            {
                errors.Add($"{key}:Secret must be whsec_ followed by base64 of at least {MinSecretBytes} bytes.");
            }

            if (endpoint.Events.Length == 0)
            {
                errors.Add($"{key}:Events must name at least one of {string.Join(", ", WebhookEvents.Names)}.");
            }

            for (var e = 0; e < endpoint.Events.Length; e++)
            {
                if (!WebhookEvents.Names.Contains(endpoint.Events[e], StringComparer.Ordinal))
                {
                    errors.Add($"{key}:Events:{e}: '{endpoint.Events[e]}' is not an event; use {string.Join(", ", WebhookEvents.Names)}.");
                }
            }

            for (var c = 0; c < endpoint.Components.Length; c++)
            {
                if (string.IsNullOrWhiteSpace(endpoint.Components[c]))
                {
                    errors.Add($"{key}:Components:{c} is empty.");
                }
            }
        }

        if (options.RetryDelay < TimeSpan.FromMilliseconds(10) || options.RetryDelay > TimeSpan.FromHours(1))
        {
            errors.Add($"Webhooks:RetryDelay must be between 10 ms and 1 hour, not {options.RetryDelay}.");
        }

        if (options.MaxRetryDelay < options.RetryDelay || options.MaxRetryDelay > TimeSpan.FromDays(1))
        {
            errors.Add($"Webhooks:MaxRetryDelay must be between Webhooks:RetryDelay and 1 day, not {options.MaxRetryDelay}.");
        }

        if (options.AttemptTimeout < TimeSpan.FromMilliseconds(100) || options.AttemptTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"Webhooks:AttemptTimeout must be between 100 ms and 5 minutes, not {options.AttemptTimeout}.");
        }

        if (!Uri.TryCreate(options.Source, UriKind.RelativeOrAbsolute, out _) || string.IsNullOrWhiteSpace(options.Source))
        {
            errors.Add("Webhooks:Source must be a URI reference (the CloudEvents source), e.g. /choria-dashboard.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
