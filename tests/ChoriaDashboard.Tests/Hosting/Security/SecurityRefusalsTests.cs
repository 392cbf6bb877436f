using ChoriaDashboard.Hosting.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting.Security;

/// <summary>Refusals are all counted, and logged at most once per reason per <c>Security:RefusalLogInterval</c>.</summary>
public sealed class SecurityRefusalsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly CapturingLogger _log = new();

    [Fact]
    public void Refused_ManyWithinTheInterval_CountsAllAndLogsOnce()
    {
        var refusals = Create();

        for (var i = 0; i < 50; i++)
        {
            refusals.Refused(RefusalReason.CrossOrigin, Request("/_blazor/negotiate"), "Origin http://evil.example");
        }

        Assert.Equal(50, refusals.ByReason[RefusalReason.CrossOrigin]);
        Assert.Equal(0, refusals.ByReason[RefusalReason.ApiRateLimit]);
        var entry = Assert.Single(_log.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal(RefusalReason.CrossOrigin, entry.Fields["Reason"]);
        Assert.Equal("/_blazor/negotiate", entry.Fields["Path"]);
        Assert.Equal("ip:10.1.2.3", entry.Fields["Client"]);
        Assert.Contains("http://evil.example", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refused_AfterTheInterval_LogsAgainWithHowManyWentUnlogged()
    {
        var refusals = Create();
        for (var i = 0; i < 4; i++)
        {
            refusals.Refused(RefusalReason.ApiRateLimit, Request("/api/fleet"));
        }

        _time.Advance(TimeSpan.FromMinutes(1));
        refusals.Refused(RefusalReason.ApiRateLimit, Request("/api/fleet"));

        Assert.Equal(2, _log.Entries.Count);
        Assert.Equal(3L, _log.Entries[1].Fields["Unlogged"]);
        Assert.Equal(5L, _log.Entries[1].Fields["Total"]);
    }

    [Fact]
    public void Refused_DifferentReasons_AreLoggedEach()
    {
        var refusals = Create();

        refusals.Refused(RefusalReason.ExportsBusy, Request("/export/nodes.csv"));
        refusals.Refused(RefusalReason.TooManyCircuits, Request("/_blazor"));
        refusals.Refused(RefusalReason.ExportsBusy, Request("/export/nodes.csv"));

        Assert.Equal([RefusalReason.ExportsBusy, RefusalReason.TooManyCircuits], _log.Entries.Select(e => e.Fields["Reason"]));
    }

    [Fact]
    public void Refused_HostileRequestText_IsLoggedPrintable()
    {
        var refusals = Create();

        refusals.Refused(RefusalReason.CrossOrigin, Request("/_blazor\n\u202Efake line"), "Origin x\r\ny");

        var message = Assert.Single(_log.Entries).Message;
        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain('\u202E', message);
    }

    private SecurityRefusals Create() =>
        new(_log, _time, Options.Create(new SecurityOptions { RefusalLogInterval = TimeSpan.FromMinutes(1) }));

    private static DefaultHttpContext Request(string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = path;
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("10.1.2.3");
        return context;
    }

    private sealed class CapturingLogger : ILogger<SecurityRefusals>
    {
        private readonly List<(LogLevel Level, string Message, Dictionary<string, object?> Fields)> _entries = [];

        public IReadOnlyList<(LogLevel Level, string Message, Dictionary<string, object?> Fields)> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = (state as IEnumerable<KeyValuePair<string, object?>> ?? []).ToDictionary(f => f.Key, f => f.Value);
            lock (_entries)
            {
                _entries.Add((logLevel, formatter(state, exception), fields));
            }
        }
    }
}
