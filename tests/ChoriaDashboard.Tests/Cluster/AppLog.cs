using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChoriaDashboard.Tests.Cluster;

/// <summary>
/// The app's own log, kept in memory for a test to print as evidence (what interrupted a replay, which broker the client
/// reconnected to): each line with its time since the log started, level, category (its last part) and message. Keeps
/// the newest <see cref="Capacity"/> lines. The levels logged are the app's configuration's (<c>Logging:LogLevel</c>).
/// </summary>
public sealed class AppLog : ILoggerProvider
{
    /// <summary>Lines kept.</summary>
    public const int Capacity = 2000;

    private readonly ConcurrentQueue<string> _lines = new();
    private readonly long _started = Environment.TickCount64;

    /// <summary>Adds a log to the app's services (after its own registrations); returns it.</summary>
    public static AppLog AddTo(IServiceCollection services)
    {
        var log = new AppLog();
        services.AddSingleton<ILoggerProvider>(log);
        return log;
    }

    /// <summary>The lines whose category or message contains <paramref name="filter"/> (all when null), oldest first.</summary>
    public string Text(string? filter = null) =>
        string.Join(Environment.NewLine, _lines.Where(l => filter is null || l.Contains(filter, StringComparison.Ordinal)));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        _lines.Enqueue($"{(Environment.TickCount64 - _started) / 1000.0,7:0.000} {line}");
        while (_lines.Count > Capacity && _lines.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(AppLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log.Add($"{logLevel,-11} {category}: {formatter(state, exception)}{(exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})")}");
    }
}
