using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Hosting.WarmUp;
using ChoriaDashboard.Tests.Cluster;
using ChoriaDashboard.Tests.Infrastructure;
using ChoriaDashboard.Tests.Integration;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;
using static ChoriaDashboard.Tests.Hosting.SignIn.SignInTestKit;

namespace ChoriaDashboard.Tests.Hosting;

/// <summary>
/// The warm-up at start (issue 23) through the real app on a real nats-server: <c>/readyz</c> waits for it, a warm-up
/// that breaks or runs out of time is a warning and never keeps the app out of service, it can be turned off, it renders
/// the pages with sign-in on without opening them to anyone, and its requests are not counted as anyone's.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class WarmUpTests(NatsServerFixture nats, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    /// <summary>On (the shipped default; DashboardFactory turns it off for every other test), its log at Information.</summary>
    private static readonly Dictionary<string, string?> LogWarmUp = new()
    {
        ["Hosting:WarmUp:Enabled"] = "true",
        ["Logging:LogLevel:ChoriaDashboard.Hosting.WarmUp"] = "Information",
    };

    [Fact]
    public async Task Readyz_BrokerReadyButWarmUpNotFinished_NotReadyUntilItIs()
    {
        var gate = new GateStep();
        var log = default(AppLog);
        await using var app = new DashboardFactory(nats.Url, LogWarmUp, services: s =>
        {
            log = AppLog.AddTo(s);
            s.AddSingleton<IWarmUpStep>(gate);
        });
        using var http = app.CreateClient();
        var broker = app.Services.GetRequiredService<IFleetStatus>();

        // The gate runs after the pages: once it is entered, only the warm-up holds readiness back.
        await gate.Entered.Task.WaitAsync(Timeout);
        await Eventually.TrueAsync(() => broker.Broker.Ready, Timeout, "the broker to be connected and subscribed");
        using (var waiting = await http.GetAsync(Path("/readyz")))
        {
            var body = await waiting.Content.ReadAsStringAsync();
            Assert.True(waiting.StatusCode == HttpStatusCode.ServiceUnavailable, $"/readyz answered {waiting.StatusCode} ({body}) while the warm-up was not finished; log:\n{log!.Text()}");
            Assert.Contains("Unhealthy: warming up the pages", body, StringComparison.Ordinal);
        }

        gate.Release.SetResult();
        var ready = await Eventually.ValueAsync(() => ReadyzAsync(http), r => r.Status == HttpStatusCode.OK, Timeout, "/readyz to answer 200 once the warm-up finished");

        Assert.Contains("Healthy: pages warmed in", ready.Body, StringComparison.Ordinal);
        var pages = app.Services.GetRequiredService<PageWarmUp>().Results;
        output.WriteLine(string.Join(Environment.NewLine, pages.Select(p => $"{p.Path} {p.Status} {p.Milliseconds:0} ms")));
        foreach (var path in WarmUpOptions.DefaultPaths)
        {
            Assert.Contains(pages, p => p.Path == path && p.Status == 200);
        }

        Assert.Contains(pages, p => p.Path.EndsWith(".css", StringComparison.Ordinal) && p.Status == 200);
        Assert.Contains(pages, p => p.Path.Contains("blazor.web", StringComparison.Ordinal) && p.Status == 200);
        Assert.DoesNotContain("Warning", log!.Text("WarmUpService"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WarmUp_StepThrows_WarningLoggedAndReadyAnyway()
    {
        var log = default(AppLog);
        await using var app = new DashboardFactory(nats.Url, LogWarmUp, services: s =>
        {
            log = AppLog.AddTo(s);
            s.AddSingleton<IWarmUpStep>(new ThrowingStep());
        });
        using var http = app.CreateClient();

        var ready = await Eventually.ValueAsync(() => ReadyzAsync(http), r => r.Status == HttpStatusCode.OK, Timeout, "/readyz to answer 200 although a warm-up step threw");

        output.WriteLine(log!.Text("WarmUp"));
        Assert.Contains("Healthy: warm-up failed in part", ready.Body, StringComparison.Ordinal);
        var warnings = log.Text("Warning     WarmUpService");
        Assert.True(warnings.Contains(ThrowingStep.Message, StringComparison.Ordinal), $"expected a warning naming the step's exception; log:\n{log.Text()}");
        // The pages were still warmed: one broken step does not cost the others.
        Assert.Contains(app.Services.GetRequiredService<PageWarmUp>().Results, p => p.Path == "/nodes" && p.Status == 200);
    }

    [Fact]
    public async Task WarmUp_PastItsTimeout_WarningLoggedAndReadyAnyway()
    {
        var log = default(AppLog);
        var settings = new Dictionary<string, string?>(LogWarmUp) { ["Hosting:WarmUp:Timeout"] = "00:00:01" };
        await using var app = new DashboardFactory(nats.Url, settings, services: s =>
        {
            log = AppLog.AddTo(s);
            s.AddSingleton<IWarmUpStep>(new StuckStep());
        });
        using var http = app.CreateClient();

        var ready = await Eventually.ValueAsync(() => ReadyzAsync(http), r => r.Status == HttpStatusCode.OK, Timeout, "/readyz to answer 200 although the warm-up never finished");

        output.WriteLine(log!.Text("WarmUp"));
        Assert.Contains("Healthy: warm-up given up after 1 s", ready.Body, StringComparison.Ordinal);
        Assert.True(log.Text("Warning     WarmUpService").Contains("did not finish within Hosting:WarmUp:Timeout", StringComparison.Ordinal), $"expected the timeout's warning; log:\n{log.Text()}");
    }

    [Fact]
    public async Task WarmUp_Off_NothingWarmedAndReadyOnTheBrokerAlone()
    {
        var step = new CountingStep();
        await using var app = new DashboardFactory(nats.Url, new Dictionary<string, string?> { ["Hosting:WarmUp:Enabled"] = "false" }, services: s => s.AddSingleton<IWarmUpStep>(step));
        using var http = app.CreateClient();

        var ready = await Eventually.ValueAsync(() => ReadyzAsync(http), r => r.Status == HttpStatusCode.OK, Timeout, "/readyz to answer 200");

        Assert.Equal(0, step.Runs);
        Assert.Empty(app.Services.GetRequiredService<PageWarmUp>().Results);
        Assert.DoesNotContain("warm", ready.Body, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("Healthy: connected to", ready.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WarmUp_SignInOn_PagesRenderedAndAnOutsideRequestStillRefused()
    {
        await using var app = App(nats.Url, more: LogWarmUp);
        using var http = Browser(app);

        var ready = await Eventually.ValueAsync(() => ReadyzAsync(http), r => r.Status == HttpStatusCode.OK, Timeout, "/readyz to answer 200");

        Assert.Contains("Healthy: pages warmed in", ready.Body, StringComparison.Ordinal);
        var pages = app.Services.GetRequiredService<PageWarmUp>().Results;
        output.WriteLine(string.Join(Environment.NewLine, pages.Select(p => $"{p.Path} {p.Status} {p.Milliseconds:0} ms")));
        Assert.All(WarmUpOptions.DefaultPaths, path => Assert.Contains(pages, p => p.Path == path && p.Status == 200));

        // Whatever the warm-up did inside the process, a request from outside without credentials gets nothing.
        using var page = await http.GetAsync(Path("/nodes"));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        using var api = await http.GetAsync(Path("/api/nodes"));
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        // Nor does one that names the warm-up's user in every way a request can.
        using var named = new HttpRequestMessage(HttpMethod.Get, Path("/nodes?user=warm-up"));
        named.Headers.Add("x-api-key", WarmUpPipeline.UserName);
        named.Headers.Add("Cookie", $".ChoriaDashboard.Auth={WarmUpPipeline.UserName}");
        using var pretending = await http.SendAsync(named);
        Assert.Equal(HttpStatusCode.Redirect, pretending.StatusCode);
    }

    [Fact]
    public async Task WarmUp_ItsRequests_NotCountedAsRequestsInMetricsOrTheRequestLog()
    {
        // The server's own request metric (what an OpenTelemetry exporter would report as traffic), for this app only.
        var routes = new ConcurrentQueue<(object? Scope, string Route)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Microsoft.AspNetCore.Hosting" && instrument.Name == "http.server.request.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
        {
            var route = "";
            foreach (var tag in tags)
            {
                route = tag.Key == "http.route" ? tag.Value?.ToString() ?? "" : route;
            }

            routes.Enqueue((instrument.Meter.Scope, route));
        });
        listener.Start();

        var log = default(AppLog);
        var settings = new Dictionary<string, string?>(LogWarmUp) { ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information" };
        await using var app = new DashboardFactory(nats.Url, settings, services: s => log = AppLog.AddTo(s));
        using var http = app.CreateClient();
        await Eventually.ValueAsync(() => ReadyzAsync(http), r => r.Status == HttpStatusCode.OK && r.Body.Contains("pages warmed", StringComparison.Ordinal), Timeout, "the warm-up to finish");
        Assert.Contains(app.Services.GetRequiredService<PageWarmUp>().Results, p => p.Path == "/nodes" && p.Status == 200);
        var scope = app.Services.GetRequiredService<IMeterFactory>();
        string[] Counted() => [.. routes.Where(r => ReferenceEquals(r.Scope, scope)).Select(r => r.Route).Distinct()];

        var metrics = await http.GetStringAsync(Path("/metrics"));
        var before = Counted();
        var requestLog = log!.Text("Request starting");
        output.WriteLine($"routes counted: {string.Join(", ", before)}\n{requestLog}");

        Assert.All(before, route => Assert.True(route is "/readyz" or "/healthz" or "/metrics", $"the warm-up's request to {route} was counted; counted: {string.Join(", ", before)}"));
        Assert.DoesNotContain("/nodes", requestLog, StringComparison.Ordinal);
        Assert.DoesNotContain("/wall", requestLog, StringComparison.Ordinal);
        Assert.Contains("choria_dashboard_open_circuits 0", metrics, StringComparison.Ordinal);
        var refused = metrics.Split('\n').Where(l => l.StartsWith("choria_dashboard_refused_requests_total", StringComparison.Ordinal)).ToList();
        Assert.All(refused, line => Assert.EndsWith(" 0", line, StringComparison.Ordinal));

        // The same instruments do count a request from outside: the assertions above could fail.
        using var page = await http.GetAsync(Path("/nodes"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        await Eventually.TrueAsync(() => Counted().Contains("/nodes"), Timeout, "the outside request to /nodes to be counted");
        Assert.Contains("GET http://localhost/nodes", log.Text("Request starting"), StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, string Body)> ReadyzAsync(HttpClient http)
    {
        using var response = await http.GetAsync(Path("/readyz"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private sealed class GateStep : IWarmUpStep
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "gate";

        public async Task<string> RunAsync(CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
            return "released";
        }
    }

    private sealed class ThrowingStep : IWarmUpStep
    {
        public const string Message = "a warm-up step broke on purpose";

        public string Name => "throws";

        public Task<string> RunAsync(CancellationToken cancellationToken) => throw new InvalidOperationException(Message);
    }

    /// <summary>Never finishes and ignores cancellation: only the warm-up's own bound ends the wait.</summary>
    private sealed class StuckStep : IWarmUpStep
    {
        private readonly TaskCompletionSource<string> _never = new();

        public string Name => "stuck";

        public Task<string> RunAsync(CancellationToken cancellationToken) => _never.Task;
    }

    private sealed class CountingStep : IWarmUpStep
    {
        private int _runs;

        public int Runs => Volatile.Read(ref _runs);

        public string Name => "counting";

        public Task<string> RunAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _runs);
            return Task.FromResult("counted");
        }
    }
}
