using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace ChoriaDashboard.LoadGen;

/// <summary>A plain nats-server (no JetStream) on a loopback port it keeps across a kill and a start, as a restarted broker does.</summary>
internal sealed class FaultBroker : IAsyncDisposable
{
    private readonly string _log;
    private Child? _server;
    private int _lives;

    private FaultBroker(int port, string log)
    {
        Port = port;
        _log = log;
    }

    public int Port { get; }

    public string Url => $"nats://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static async Task<FaultBroker> StartAsync(string artifacts, string tag)
    {
        var broker = new FaultBroker(Net.FreePort(), Path.Combine(artifacts, $"faults-{tag}-nats-server"));
        await broker.StartAsync();
        return broker;
    }

    /// <summary>Starts the server (again) on its port; returns once it listens.</summary>
    public async Task StartAsync()
    {
        _server = Child.Start(Net.FindNatsServer(), ["-a", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture)], null, null, $"{_log}-{++_lives}.log");
        await Net.WaitForPortAsync(Port, TimeSpan.FromSeconds(15), _server, "nats-server");
    }

    /// <summary>Kills the server (SIGKILL: a crash, nothing flushed) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }

    public ValueTask DisposeAsync() => new(KillAsync());
}

/// <summary>The published app as its own process for one fault: its address, its log, and readings of its API.</summary>
internal sealed class FaultApp : IAsyncDisposable
{
    private FaultApp(Child child, Uri address, string log)
    {
        Child = child;
        Address = address;
        LogPath = log;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Child Child { get; }

    public Uri Address { get; }

    public string LogPath { get; }

    public HttpClient Http { get; }

    public int Pid => Child.Pid;

    /// <summary>Resident set size now and its peak since the process started (VmHWM), in bytes.</summary>
    public (long Rss, long Peak) Memory => ProcStats.Memory(Child.Pid);

    /// <summary>
    /// Starts the app on a free port against <paramref name="natsUrl"/> and waits until <c>/readyz</c> answers 200. The
    /// app runs open (<c>Auth:Mode=Unsecured</c>, a warning in its log) with the per-client limits lifted: one runner
    /// polls the API and opens every tab from one address. <paramref name="settings"/> are <c>Section:Key=value</c>.
    /// </summary>
    public static async Task<FaultApp> StartAsync(FaultsBenchOptions o, string natsUrl, string artifacts, string tag, IEnumerable<string> settings)
    {
        var port = Net.FreePort();
        var args = new List<string>
        {
            o.AppDll, "--urls", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", $"--Nats:Url={natsUrl}",
            "--Logging:LogLevel:Default=Warning", "--Auth:Mode=Unsecured",
            "--Security:ApiRequestsPerMinute=1000000", "--Security:MaxCircuitsPerClient=100000", "--Security:MaxHubConnectionsPerClient=100000",
        };
        args.AddRange(settings.Select(s => "--" + s));
        var env = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = o.Environment, ["DOTNET_NOLOGO"] = "1" };
        var log = Path.Combine(artifacts, $"faults-{tag}-app.log");
        var child = Child.Start("dotnet", args, Path.GetDirectoryName(o.AppDll), env, log);
        var app = new FaultApp(child, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"), log);
        var sw = Stopwatch.StartNew();
        while (!await app.ReadyAsync())
        {
            if (child.HasExited || sw.Elapsed > TimeSpan.FromSeconds(60))
            {
                await app.DisposeAsync();
                throw new InvalidOperationException($"the app ({tag}) did not get ready; see {log}");
            }

            await Task.Delay(50);
        }

        Log.Line($"app ({tag}) pid {child.Pid} ready at {app.Address} after {sw.Elapsed.TotalSeconds:0.0} s, RSS {Fmt.MB(app.Memory.Rss)}");
        return app;
    }

    public async Task<bool> ReadyAsync()
    {
        try
        {
            using var response = await Http.GetAsync(new Uri("readyz", UriKind.Relative));
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    public async Task<FleetReadout> FleetAsync()
    {
        using var response = await Http.GetAsync(new Uri("api/fleet", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return FleetReadout.From(doc.RootElement);
    }

    /// <summary>One series of <c>/metrics</c>, written exactly as <paramref name="series"/> (name and labels); 0 when absent.</summary>
    public async Task<double> MetricAsync(string series)
    {
        var body = await Http.GetStringAsync(new Uri("metrics", UriKind.Relative));
        foreach (var line in body.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Child.DisposeAsync();
    }
}

/// <summary>What <c>GET /api/fleet</c> says, in the figures the faults read.</summary>
internal sealed record FleetReadout(
    int Nodes,
    int Live,
    int Stale,
    int Dead,
    bool Ready,
    bool IsCurrent,
    bool MayBeMissingEvents,
    string? Reason,
    string DeafTime,
    long Accepted,
    long Rejected,
    long Received,
    int QueueLength,
    IReadOnlyDictionary<string, long> RejectedByReason,
    IReadOnlyDictionary<string, int> ServerComponent,
    int Subscriptions)
{
    public long Dropped => RejectedByReason.GetValueOrDefault("dropped");

    /// <summary>Every message the app has dealt with: accepted, or rejected for any reason (dropped included).</summary>
    public long Processed => Accepted + Rejected;

    public static FleetReadout From(JsonElement root)
    {
        var totals = root.GetProperty("totals");
        var ingest = root.GetProperty("ingest");
        var currency = root.GetProperty("currency");
        var server = root.GetProperty("components").EnumerateArray().FirstOrDefault(c => c.GetProperty("component").GetString() == "server");
        return new FleetReadout(
            totals.GetProperty("nodes").GetInt32(),
            totals.GetProperty("live").GetInt32(),
            totals.GetProperty("stale").GetInt32(),
            totals.GetProperty("dead").GetInt32(),
            root.GetProperty("nats").GetProperty("ready").GetBoolean(),
            currency.GetProperty("isCurrent").GetBoolean(),
            currency.GetProperty("mayBeMissingEvents").GetBoolean(),
            currency.GetProperty("reason").GetString(),
            currency.GetProperty("deafTime").GetString() ?? "",
            ingest.GetProperty("accepted").GetInt64(),
            ingest.GetProperty("rejected").GetInt64(),
            ingest.GetProperty("received").EnumerateObject().Sum(r => r.Value.GetInt64()),
            ingest.GetProperty("queueLength").GetInt32(),
            ingest.GetProperty("rejectedByReason").EnumerateObject().ToDictionary(r => r.Name, r => r.Value.GetInt64()),
            server.ValueKind == JsonValueKind.Object
                ? new Dictionary<string, int> { ["total"] = server.GetProperty("total").GetInt32(), ["live"] = server.GetProperty("live").GetInt32() }
                : new Dictionary<string, int>(),
            root.GetProperty("stream").GetProperty("subscriptions").GetInt32());
    }
}

/// <summary>
/// Reads <c>/api/fleet</c> every few milliseconds for the length of a fault, keeps every reading with its time on the
/// run's clock, and the worst it saw (stale and dead nodes), so a judgement that came and went between two looks of
/// the runner is still caught.
/// </summary>
internal sealed class FleetWatch : IAsyncDisposable
{
    private readonly FaultApp _app;
    private readonly Stopwatch _clock;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(TimeSpan At, FleetReadout State)> _readings = [];
    private readonly Task _loop;

    public FleetWatch(FaultApp app, Stopwatch clock, TimeSpan every)
    {
        _app = app;
        _clock = clock;
        _loop = Task.Run(() => LoopAsync(every));
    }

    public (TimeSpan At, FleetReadout State) Last
    {
        get
        {
            lock (_readings)
            {
                return _readings.Count == 0 ? default : _readings[^1];
            }
        }
    }

    public IReadOnlyList<(TimeSpan At, FleetReadout State)> Readings
    {
        get
        {
            lock (_readings)
            {
                return [.. _readings];
            }
        }
    }

    /// <summary>Waits for a reading taken from now on that satisfies <paramref name="condition"/>; null after <paramref name="timeout"/>.</summary>
    public async Task<(TimeSpan At, FleetReadout State)?> WaitAsync(Func<FleetReadout, bool> condition, TimeSpan timeout)
    {
        var from = _clock.Elapsed;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            var last = Last;
            if (last.State is not null && last.At >= from && condition(last.State))
            {
                return last;
            }

            await Task.Delay(5);
        }

        return null;
    }

    /// <summary>As <see cref="WaitAsync"/>, throwing with <paramref name="what"/> and the last reading when it times out.</summary>
    public async Task<(TimeSpan At, FleetReadout State)> UntilAsync(Func<FleetReadout, bool> condition, TimeSpan timeout, string what) =>
        await WaitAsync(condition, timeout) ?? throw new TimeoutException($"{what}: not within {timeout.TotalSeconds:0} s; last reading {Last.State}");

    private async Task LoopAsync(TimeSpan every)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var state = await _app.FleetAsync();
                lock (_readings)
                {
                    _readings.Add((_clock.Elapsed, state));
                }

                await Task.Delay(every, _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
            {
                // The app is busy or stopping: the next look will tell.
                await Task.Delay(every);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
