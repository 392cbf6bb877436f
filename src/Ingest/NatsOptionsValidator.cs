using ChoriaDashboard.Ingest.Connection;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Ingest;

/// <summary>Checks the broker URLs, subjects and the files the connection needs before the app tries to use them.</summary>
public sealed class NatsOptionsValidator : IValidateOptions<NatsOptions>
{
    private static readonly string[] Schemes = ["nats", "tls", "ws", "wss"];

    public ValidateOptionsResult Validate(string? name, NatsOptions options)
    {
        var errors = new List<string>();
        var urls = (options.Url ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (urls.Length == 0)
        {
            errors.Add("Nats:Url is empty: set it to the Choria broker, e.g. nats://broker.example.net:4222 (environment: Nats__Url).");
        }

        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !Schemes.Contains(uri.Scheme) || string.IsNullOrEmpty(uri.Host))
            {
                errors.Add($"Nats:Url '{NatsOptions.Redact(url)}' is not a NATS URL like nats://host:4222 (schemes: {string.Join(", ", Schemes)}).");
            }
        }

        if (options.Subjects is null || options.Subjects.Length == 0)
        {
            errors.Add("Nats:Subjects is empty: the dashboard would receive nothing.");
        }
        else
        {
            foreach (var subject in options.Subjects)
            {
                if (string.IsNullOrWhiteSpace(subject) || subject.Any(char.IsWhiteSpace) || subject.StartsWith('.') || subject.EndsWith('.') || subject.Contains("..", StringComparison.Ordinal))
                {
                    errors.Add($"Nats:Subjects has an invalid subject '{subject}'.");
                }
            }
        }

        if (options.ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add("Nats:ConnectTimeout must be positive.");
        }

        if (options.ResubscribeDelay <= TimeSpan.Zero)
        {
            errors.Add("Nats:ResubscribeDelay must be positive.");
        }

        // The files the connection needs (TLS, keys, the Choria configuration): readable and loadable, or stop now.
        BrokerConnectionResolver.Resolve(options, out var connectionErrors);
        errors.AddRange(connectionErrors);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
