using System.Diagnostics;
using System.Globalization;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.LoadGen;

/// <summary>Settings of one <c>measure</c> run.</summary>
internal sealed record MeasureOptions
{
    public int Nodes { get; init; } = 100_000;
    public bool Smoke { get; init; }
    public int Browsers { get; init; } = 50;
    public int LatencyTrials { get; init; } = 50;
    public int SteadyNodes { get; init; } = 50_000;
    public TimeSpan SteadyInterval { get; init; } = TimeSpan.FromSeconds(10);
    public int MixedMessages { get; init; } = 300_000;
    public int HistoryRounds { get; init; } = 32;
    public int Window { get; init; } = 32_768;
    /// <summary>How long opening the circuits of one page kind may take; the measurement goes on with those open by then.</summary>
    public TimeSpan OpenBudget { get; init; } = TimeSpan.FromSeconds(150);
    public TimeSpan CpuWindow { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan PacedStorm { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The startup storm's rate in messages a second (a fleet restarting over minutes); null: as fast as one client publishes.</summary>
    public double? StormRate { get; init; }
    public IReadOnlyList<string> CircuitPages { get; init; } = ["/", "/nodes"];

    /// <summary>Wallboards opened in the wall phase, the link they open, and how many CPU windows are measured.</summary>
    public int Walls { get; init; } = 10;
    public string WallPath { get; init; } = "/wall?views=overview,problems,checks&interval=20s";
    public int WallWindows { get; init; } = 5;

    /// <summary>Clients of <c>/hubs/fleet</c> opened in the hub phase, each streaming the whole fleet.</summary>
    public int HubClients { get; init; } = 50;
    public required string AppDll { get; init; }
    public required string Environment { get; init; }
    public IReadOnlyList<string> AppSettings { get; init; } = [];
    public IReadOnlyList<string> AppEnvironment { get; init; } = [];

    /// <summary>
    /// Builds the cold phase starts, each several times: the first request after /readyz and warm first rows (issue 23);
    /// empty for the app under <see cref="AppDll"/> alone.
    /// </summary>
    public IReadOnlyList<ColdApp> ColdApps { get; init; } = [];

    /// <summary>Rounds of the cold phase: each starts every build twice (a first GET, a first browser).</summary>
    public int ColdRuns { get; init; } = 3;

    /// <summary>Phases to run (storm, ingest, render, cold, memory, latency, circuits, wall, metrics, api, hub); empty for all.</summary>
    public IReadOnlyList<string> Only { get; init; } = [];
    public required string Output { get; init; }
    public required string CommandLine { get; init; }
}

/// <summary>
/// The end-to-end benchmark: starts nats-server (loopback, free port), measures a raw subscriber, starts the app's
/// build output and Chromium, and measures the six figures of issue 3 in one run. Every phase is bounded; every process
/// it started is stopped by its PID on the way out.
/// </summary>
internal sealed partial class Measure
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);
    private readonly MeasureOptions _o;
    private readonly Report _report = new();
    private readonly string _runTag = Guid.NewGuid().ToString("N")[..6];
    private readonly string _artifacts;
    private string _natsUrl = "";
    private Uri _appUri = default!;
    private Child? _app;
    private FleetPoller _poller = default!;

    public Measure(MeasureOptions options)
    {
        _o = options;
        _artifacts = Path.GetDirectoryName(Path.GetFullPath(options.Output))!;
    }

    public async Task<int> RunAsync()
    {
        Directory.CreateDirectory(_artifacts);
        var started = Stopwatch.StartNew();
        Log.Line($"measure: {_o.Nodes:N0} nodes, {_o.Browsers} browsers, {_o.LatencyTrials} latency trials, app {_o.AppDll} ({_o.Environment})");

        Log.Line("encoding messages");
        var mixed = Messages.Mixed(_o.MixedMessages, _o.Nodes);
        var startups = Messages.Startups(_o.Nodes);
        var alives = Messages.Alives(_o.Nodes);
        var steady = Messages.SteadyCycle(Math.Min(_o.SteadyNodes, _o.Nodes));
        Log.Line($"mixed batch: {Messages.Describe(mixed)}");
        Log.Line($"steady cycle: {Messages.Describe(steady)}");

        var natsPort = Net.FreePort();
        _natsUrl = $"nats://127.0.0.1:{natsPort}";
        await using var nats = Child.Start(Net.FindNatsServer(), ["-a", "127.0.0.1", "-p", natsPort.ToString(CultureInfo.InvariantCulture)], null, null, Path.Combine(_artifacts, "nats-server.log"));
        await Net.WaitForPortAsync(natsPort, TimeSpan.FromSeconds(15), nats, "nats-server");

        await using var publisher = new Publisher(_natsUrl);
        await publisher.ConnectAsync();

        double rawRate = double.NaN;
        await Phase("ingest (raw subscriber drain)", async () => rawRate = await RawDrainAsync(publisher, mixed));

        await using (_app = await StartAppAsync())
        await using (_poller = new FleetPoller(_appUri, TimeSpan.FromMilliseconds(10)))
        {
            await using var browser = await Browser.LaunchAsync();
            if (_o.Only.Count > 0 && !_o.Only.Contains("storm"))
            {
                // The later phases expect the fleet: start every node, as fast as the app takes it.
                Log.Line("seeding the fleet (storm phase not selected)");
                await publisher.WindowedAsync(startups, 1, () => _poller.Last.Processed, _o.Window, TimeSpan.FromSeconds(20));
            }

            await Phase("storm", () => StormAsync(publisher, browser, startups, alives));
            await Phase("ingest", () => IngestAsync(publisher, mixed, rawRate));
            await Phase("render", () => FirstRenderAsync(browser));
            await Phase("cold", () => ColdAsync(startups));
            await Phase("memory", () => MemoryAsync(publisher, alives));

            using var steadyStop = new CancellationTokenSource();
            await using var steadyPublisher = new Publisher(_natsUrl, "choria-loadgen-steady");
            await steadyPublisher.ConnectAsync();
            var steadyTask = Task.Run(() => steadyPublisher.SteadyAsync(steady, _o.SteadyInterval, TimeSpan.FromMinutes(20), steadyStop.Token));
            Log.Line($"steady load: {Math.Min(_o.SteadyNodes, _o.Nodes):N0} nodes every {_o.SteadyInterval.TotalSeconds:0} s = {steady.Length / _o.SteadyInterval.TotalSeconds:N0} msg/s");
            await Task.Delay(TimeSpan.FromSeconds(_o.Smoke ? 1 : 3));
            await Phase("latency", () => LatencyAsync(publisher, browser));
            await Phase("circuits", () => CircuitsAsync(browser));
            await Phase("wall", () => WallsAsync(browser));
            await Phase("metrics", MetricsAsync);
            await Phase("api", ApiAsync);
            await Phase("hub", () => HubAsync(publisher, mixed));
            await steadyStop.CancelAsync();
            var steadySent = await steadyTask;
            Log.Line($"steady load stopped after {steadySent:N0} messages");
            var final = await _poller.ReadAsync();
            Log.Line($"app totals: {final.Nodes:N0} nodes, accepted {final.Accepted:N0}, rejected {final.Rejected:N0} (dropped {final.Dropped:N0}, fleet full {final.FleetFull:N0})");
            if (_app.HasExited)
            {
                _report.Add(new ResultRow("app process", "stays up", "exited during the run", Verdict.Error));
            }
        }

        var header = new[]
        {
            $"Run: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {started.Elapsed.TotalMinutes:0.0} min{(_o.Smoke ? ", SMOKE (small N: figures are not the targets' scale)" : "")}",
            $"Machine: {Machine.Describe()}",
            $"Command: `{_o.CommandLine}`",
            $"App: `{_o.AppDll}` ({_o.Environment}){(_o.AppSettings.Count > 0 ? ", settings " + string.Join(" ", _o.AppSettings) : "")}{(_o.AppEnvironment.Count > 0 ? ", environment " + string.Join(" ", _o.AppEnvironment) : "")}; {Machine.NatsVersion()} on loopback",
            $"Traffic: every node keeps one shape (25 % legacy, 15 % CE binary, 60 % CE structured); mixed batch {Messages.Describe(mixed)}",
        };
        var markdown = _report.ToMarkdown("ChoriaDashboard end-to-end benchmark", header);
        await File.WriteAllTextAsync(_o.Output, markdown);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Log.Line($"written to {_o.Output}");
        return _report.MachineryFailed ? 1 : 0;
    }

    private async Task Phase(string name, Func<Task> run)
    {
        if (_o.Only.Count > 0 && !_o.Only.Contains(name.Split(' ')[0]))
        {
            return;
        }

        Log.Line($"--- {name}");
        try
        {
            if (_app is { HasExited: true })
            {
                throw new InvalidOperationException("the app process has exited");
            }

            await run();
        }
        catch (Exception e)
        {
            Log.Line($"phase {name} failed: {e}");
            _report.Add(new ResultRow(name, "runs", $"{e.GetType().Name}: {e.Message}", Verdict.Error));
        }
    }

    // (1a) The ceiling: a plain subscriber in this process, same messages, same window, before the app exists.
    private async Task<double> RawDrainAsync(Publisher publisher, Msg[] mixed)
    {
        await using var raw = new RawCounter(_natsUrl);
        await raw.StartAsync("choria.>");
        await using var sampler = new RateSampler(() => raw.Count, TimeSpan.FromMilliseconds(5));
        var result = await publisher.WindowedAsync(mixed, 1, () => raw.Count, _o.Window, TimeSpan.FromSeconds(15));
        var sw = Stopwatch.StartNew();
        while (raw.Count < mixed.Length && sw.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(5);
        }

        var rate = sampler.RateBetween(mixed.Length / 10, mixed.Length * 9 / 10);
        Log.Line($"raw subscriber: {raw.Count:N0}/{mixed.Length:N0} in {result.Elapsed.TotalSeconds:0.00} s; sustained {Fmt.Rate(rate)}");
        if (result.Stalled || raw.Count < mixed.Length)
        {
            throw new InvalidOperationException($"the raw subscriber received {raw.Count:N0} of {mixed.Length:N0}");
        }

        return rate;
    }

    private async Task<Child> StartAppAsync()
    {
        var (app, uri, ready) = await LaunchAppAsync(_o.AppDll, _natsUrl, "app.log", TimeSpan.FromMilliseconds(50));
        _appUri = uri;
        var (rss, _) = ProcStats.Memory(app.Pid);
        Log.Line($"app pid {app.Pid} ready at {_appUri} after {ready.TotalSeconds:0.0} s, RSS {Fmt.MB(rss)}");
        _report.Add(new ResultRow("app idle RSS (connected, no circuits)", "—", Fmt.MB(rss), Verdict.Info, $"ready {ready.TotalSeconds:0.0} s after start"));
        return app;
    }

    /// <summary>
    /// Starts the app in <paramref name="dll"/> on a free loopback port against <paramref name="natsUrl"/> and polls
    /// /readyz every <paramref name="poll"/>; returns it, its address and the time from the start to the first 200.
    /// </summary>
    private async Task<(Child App, Uri Uri, TimeSpan Ready)> LaunchAppAsync(string dll, string natsUrl, string logName, TimeSpan poll)
    {
        var port = Net.FreePort();
        var appUri = new Uri($"http://127.0.0.1:{port}/");
        var args = new List<string>
        {
            dll, "--urls", $"http://127.0.0.1:{port}", $"--Nats:Url={natsUrl}",
            $"--Fleet:MaxNodes={Math.Max(250_000, (_o.Nodes * 2) + 10_000)}",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.AspNetCore=Warning",
            // The figures are the fleet's and the pages' cost, not sign-in's or the limits': the app runs open (a
            // warning in its log), and one runner polls /api/fleet and opens many tabs, far past a client's limits.
            "--Auth:Mode=Unsecured", "--Security:ApiRequestsPerMinute=1000000", "--Security:MaxCircuitsPerClient=100000", "--Security:MaxHubConnectionsPerClient=100000",
        };
        args.AddRange(_o.AppSettings.Select(s => "--" + s));
        var env = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = _o.Environment, ["DOTNET_NOLOGO"] = "1" };
        foreach (var pair in _o.AppEnvironment)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            env[pair[..eq]] = pair[(eq + 1)..];
        }
        var log = Path.Combine(_artifacts, logName);
        var app = Child.Start("dotnet", args, Path.GetDirectoryName(Path.GetFullPath(dll)), env, log);
        var sw = Stopwatch.StartNew();
        using var http = new HttpClient { BaseAddress = appUri, Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            if (app.HasExited)
            {
                throw new InvalidOperationException($"the app exited at start; see {log}");
            }

            try
            {
                using var ready = await http.GetAsync(new Uri("readyz", UriKind.Relative));
                if (ready.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (sw.Elapsed > TimeSpan.FromSeconds(60))
            {
                await app.DisposeAsync();
                throw new TimeoutException("the app was not ready within 60 s");
            }

            await Task.Delay(poll);
        }

        return (app, appUri, sw.Elapsed);
    }
}
