using Bunit;
using ChoriaDashboard.Components.Controls;
using ChoriaDashboard.Components.Pages;
using ChoriaDashboard.Fleet.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;
using Xunit;

namespace ChoriaDashboard.Components.Tests.Controls;

/// <summary>One trend chart: sent to the browser once per spec, and quiet when the browser is gone or cannot draw.</summary>
public sealed class TrendChartTests : DashboardTestContext
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private readonly RecordingLoggerProvider _log = new();

    public TrendChartTests() => Services.AddLogging(b => b.AddProvider(_log));

    private static TrendChartSpec Spec(params double[] live) =>
        FleetTrendCharts.From(FleetTrend.From([.. live.Select((v, i) => new FleetSample(T0.AddMinutes(i), [new ComponentSummary("server", (int)v, 0, 0, 0, [])]))])).States;

    [Fact]
    public void TrendChart_SameSpecRenderedAgain_DrawnOnce()
    {
        JSInterop.Setup<bool>("choriaTrend.draw", _ => true).SetResult(true);
        var spec = Spec(1, 2);
        var cut = Render<TrendChart>(p => p.Add(c => c.TestId, "t").Add(c => c.Title, "Nodes").Add(c => c.Spec, spec));

        cut.Render(p => p.Add(c => c.Spec, spec));
        cut.Render(p => p.Add(c => c.Spec, Spec(1, 2, 3)));

        Assert.Equal(2, JSInterop.Invocations["choriaTrend.draw"].Count);
        Assert.Equal("Now: live 3 · stale 0 · dead 0", cut.Find("[data-testid=t-latest]").TextContent.Trim());
    }

    [Fact]
    public void TrendChart_TabClosesAsTheChartIsSent_NothingLoggedNothingThrown()
    {
        JSInterop.Setup<bool>("choriaTrend.draw", _ => true).SetException(new JSDisconnectedException("the circuit is gone"));

        var cut = Render<TrendChart>(p => p.Add(c => c.TestId, "t").Add(c => c.Title, "Nodes").Add(c => c.Spec, Spec(1, 2)));

        Assert.Equal("Now: live 2 · stale 0 · dead 0", cut.Find("[data-testid=t-latest]").TextContent.Trim());
        Assert.DoesNotContain(_log.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public void TrendChart_BrowserCannotDraw_WarnsOnceAndKeepsTheValuesInWords()
    {
        JSInterop.Setup<bool>("choriaTrend.draw", _ => true).SetException(new JSException("uPlot is not defined"));

        var cut = Render<TrendChart>(p => p.Add(c => c.TestId, "t").Add(c => c.Title, "Nodes").Add(c => c.Spec, Spec(5, 7)));
        cut.Render(p => p.Add(c => c.Title, "Nodes"));

        Assert.Equal("Now: live 7 · stale 0 · dead 0", cut.Find("[data-testid=t-latest]").TextContent.Trim());
        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("uPlot is not defined", warning.Message);
    }

    private sealed class RecordingLoggerProvider : ILoggerProvider
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(RecordingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner.Entries)
                {
                    owner.Entries.Add((logLevel, formatter(state, exception)));
                }
            }
        }
    }
}
