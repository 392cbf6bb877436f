using Microsoft.Extensions.Logging;

namespace ChoriaDashboard.Ingest.Connection;

/// <summary>
/// Passes the NATS client's logging through and hands every exception it logs as a warning or error to a callback.
/// While it retries a connection the client raises no event; only its log carries why (a TLS alert, an -ERR from the
/// broker), and that is what the status bar and <c>/api/fleet</c> need to say.
/// </summary>
public sealed class ClientFailureObserver(ILoggerFactory inner, Action<Exception> failed) : ILoggerFactory
{
    /// <summary>What the broker says when it refuses us; the client logs it without an exception.</summary>
    private static readonly string[] Refusals = ["Authorization Violation", "Permissions Violation", "-ERR"];

    public ILogger CreateLogger(string categoryName) => new Observer(inner.CreateLogger(categoryName), failed);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    // The inner factory belongs to the host, which disposes it.
    public void Dispose()
    {
    }

    private sealed class Observer(ILogger inner, Action<Exception> failed) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information || inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is not null && logLevel >= LogLevel.Warning)
            {
                failed(exception);
            }
            else if (logLevel >= LogLevel.Information && formatter(state, exception) is var message && Refusals.Any(r => message.Contains(r, StringComparison.OrdinalIgnoreCase)))
            {
                failed(new NATS.Client.Core.NatsException(message));
            }

            if (inner.IsEnabled(logLevel))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
