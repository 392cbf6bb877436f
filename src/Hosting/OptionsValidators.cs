using ChoriaDashboard.Fleet;
using ChoriaDashboard.Ingest;
using ChoriaDashboard.Ingest.Connection;
using ChoriaDashboard.Simulation;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting;

/// <summary>Checks the fleet thresholds make sense together: stale before dead, dead before forgotten.</summary>
public sealed class ValidateFleetOptions : IValidateOptions<FleetOptions>
{
    public ValidateOptionsResult Validate(string? name, FleetOptions options)
    {
        var errors = new List<string>();
        Check(errors, "Fleet", new LivenessThresholds(options.StaleAfter, options.DeadAfter, options.ForgetAfter));
        foreach (var (component, _) in options.Components)
        {
            Check(errors, $"Fleet:Components:{component}", options.ThresholdsFor(component));
        }

        if (options.BatchDelay < TimeSpan.Zero || options.BatchDelay > TimeSpan.FromSeconds(1))
        {
            errors.Add($"Fleet:BatchDelay must be between 0 and 1 second, not {options.BatchDelay}.");
        }

        if (options.SweepInterval <= TimeSpan.Zero || options.SweepInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Fleet:SweepInterval must be between 0 and 10 minutes, not {options.SweepInterval}.");
        }

        if (options.SeriesInterval < TimeSpan.FromSeconds(1) || options.SeriesInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"Fleet:SeriesInterval must be between 1 second and 1 day, not {options.SeriesInterval}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(List<string> errors, string prefix, LivenessThresholds t)
    {
        if (t.StaleAfter <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}:StaleAfter must be positive, not {t.StaleAfter}.");
        }

        if (t.DeadAfter <= t.StaleAfter)
        {
            errors.Add($"{prefix}:DeadAfter ({t.DeadAfter}) must be longer than StaleAfter ({t.StaleAfter}).");
        }

        if (t.ForgetAfter < t.DeadAfter)
        {
            errors.Add($"{prefix}:ForgetAfter ({t.ForgetAfter}) must not be shorter than DeadAfter ({t.DeadAfter}).");
        }
    }
}

/// <summary>Checks the broker URLs and subjects before the app tries to use them.</summary>
public sealed class ValidateNatsOptions : IValidateOptions<NatsOptions>
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

/// <summary>Checks the demo fleet's shape.</summary>
public sealed class ValidateDemoOptions : IValidateOptions<DemoOptions>
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

/// <summary>Checks the replay settings: a margin that is not negative, streams that keep events for some time.</summary>
public sealed class ValidateReplayOptions : IValidateOptions<ChoriaDashboard.Ingest.Replay.ReplayOptions>
{
    public ValidateOptionsResult Validate(string? name, ChoriaDashboard.Ingest.Replay.ReplayOptions options)
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
