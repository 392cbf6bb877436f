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

/// <summary>
/// Three nats-server processes in a cluster, as Choria runs its brokers: cluster routes in a full mesh, JetStream on each
/// with its own store directory, and a monitoring port each (for <c>/routez</c>). Every server keeps its client, route
/// and monitoring ports and its store for the cluster's life, so a killed server starts again where clients and the
/// other servers look for it, with what it had stored. The store directories are deleted on dispose.
/// </summary>
internal sealed class FaultCluster : IAsyncDisposable
{
    private readonly string _directory;

    private FaultCluster(string directory, IReadOnlyList<FaultClusterNode> nodes)
    {
        _directory = directory;
        Nodes = nodes;
    }

    public IReadOnlyList<FaultClusterNode> Nodes { get; }

    /// <summary>Every server's URL, comma-separated: what <c>Nats:Url</c> takes for a cluster.</summary>
    public string Urls => string.Join(",", Nodes.Select(n => n.Url));

    /// <summary>The URLs of the servers running now, comma-separated.</summary>
    public string RunningUrls => string.Join(",", Nodes.Where(n => n.Running).Select(n => n.Url));

    /// <summary>Starts three servers and waits until each has routes to the other two.</summary>
    public static async Task<FaultCluster> StartAsync(string artifacts, string tag)
    {
        var directory = Directory.CreateTempSubdirectory($"choria-faults-{tag}-").FullName;
        var ports = Enumerable.Range(0, 3).Select(_ => (Client: Net.FreePort(), Route: Net.FreePort(), Monitor: Net.FreePort())).ToList();
        var routes = string.Join(", ", ports.Select(p => $"\"nats-route://127.0.0.1:{p.Route.ToString(CultureInfo.InvariantCulture)}\""));
        var nodes = ports.Select((p, i) => new FaultClusterNode($"n{i + 1}", p.Client, p.Route, p.Monitor, routes, Path.Combine(directory, $"n{i + 1}"), Path.Combine(artifacts, $"faults-{tag}-n{i + 1}"))).ToList();
        var cluster = new FaultCluster(directory, nodes);
        try
        {
            await Task.WhenAll(nodes.Select(n => n.StartAsync()));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>The server a client names by <paramref name="url"/> (as <c>nats.server</c> says it); null for none of these.</summary>
    public FaultClusterNode? NodeAt(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? Nodes.SingleOrDefault(n => n.Port == uri.Port) : null;

    /// <summary>The server named <paramref name="name"/> (<c>server_name</c>, as stream and consumer info report leaders).</summary>
    public FaultClusterNode? Named(string? name) => Nodes.SingleOrDefault(n => n.Name == name);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.KillAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>One server of a <see cref="FaultCluster"/>: killed (SIGKILL, a crash) and started again on its ports and store.</summary>
internal sealed class FaultClusterNode
{
    private static readonly HttpClient Monitor = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly string _config;
    private readonly string _log;
    private Child? _server;
    private int _lives;

    internal FaultClusterNode(string name, int port, int routePort, int monitorPort, string routes, string directory, string log)
    {
        Name = name;
        Port = port;
        MonitorPort = monitorPort;
        _log = log;
        Directory.CreateDirectory(directory);
        _config = Path.Combine(directory, "nats-server.conf");
        File.WriteAllText(_config, string.Create(CultureInfo.InvariantCulture, $$"""
            server_name: "{{name}}"
            listen: "127.0.0.1:{{port}}"
            http: "127.0.0.1:{{monitorPort}}"
            jetstream { store_dir: "{{Path.Combine(directory, "store")}}" }
            cluster {
              name: "choria"
              listen: "127.0.0.1:{{routePort}}"
              routes: [ {{routes}} ]
            }
            """));
    }

    /// <summary>The server's name (<c>server_name</c>): n1, n2, n3.</summary>
    public string Name { get; }

    public int Port { get; }

    public int MonitorPort { get; }

    public string Url => $"nats://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public bool Running => _server is { HasExited: false };

    /// <summary>Starts the server (again) with its config; returns once it listens for clients.</summary>
    public async Task StartAsync()
    {
        _server = Child.Start(Net.FindNatsServer(), ["-c", _config], null, null, $"{_log}-{++_lives}.log");
        await Net.WaitForPortAsync(Port, TimeSpan.FromSeconds(15), _server, $"nats-server {Name}");
    }

    /// <summary>Kills the server (SIGKILL: no goodbye to clients or peers) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }

    /// <summary>Routes this server has to others now (<c>/routez</c> <c>num_routes</c>); -1 when it does not answer.</summary>
    public async Task<int> RoutesAsync()
    {
        try
        {
            using var doc = JsonDocument.Parse(await Monitor.GetStringAsync(new Uri($"http://127.0.0.1:{MonitorPort.ToString(CultureInfo.InvariantCulture)}/routez")));
            return doc.RootElement.GetProperty("num_routes").GetInt32();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return -1;
        }
    }

    public override string ToString() => $"{Name} ({Url})";
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
    /// polls the API and opens every tab from one address. <paramref name="settings"/> are <c>Section:Key=value</c>. With
    /// <paramref name="waitReady"/> false it returns once <c>/api/fleet</c> answers (listening), as a replay keeps
    /// <c>/readyz</c> at 503 until it has caught up.
    /// </summary>
    public static async Task<FaultApp> StartAsync(FaultsBenchOptions o, string natsUrl, string artifacts, string tag, IEnumerable<string> settings, bool waitReady = true)
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
        while (!(waitReady ? await app.ReadyAsync() : await app.ListeningAsync()))
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

    /// <summary>True once <c>/api/fleet</c> answers 200.</summary>
    public async Task<bool> ListeningAsync()
    {
        try
        {
            using var response = await Http.GetAsync(new Uri("api/fleet", UriKind.Relative));
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

    /// <summary>The broker the app is connected to (<c>nats.server</c>, a URL); null while it is not.</summary>
    public string? Server { get; init; }

    /// <summary>The broker connection's last error in words (<c>nats.lastError</c>); null when none.</summary>
    public string? LastError { get; init; }

    /// <summary>Nodes stopped (a shutdown event), beside live, stale and dead.</summary>
    public int Stopped { get; init; }

    /// <summary>Replayed events that changed nothing (older than what the node had), counted apart from accepted.</summary>
    public long Superseded { get; init; }

    /// <summary>The replay in progress: stream messages handed to the fleet, and the total known; null when none runs.</summary>
    public (long Replayed, long Total)? Replay { get; init; }

    /// <summary>Times the replay was interrupted and resumed since start (<c>currency.replayInterruptions</c>).</summary>
    public int ReplayInterruptions { get; init; }

    /// <summary>Why the replay was given up part-way (<c>currency.historyIncomplete</c>); null unless it was.</summary>
    public string? HistoryIncomplete { get; init; }

    /// <summary>Why history is not available (<c>currency.historyUnavailable</c>); null when it is, or replay is off.</summary>
    public string? HistoryUnavailable { get; init; }

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
            root.GetProperty("stream").GetProperty("subscriptions").GetInt32())
        {
            Server = root.GetProperty("nats").GetProperty("server").GetString(),
            LastError = root.GetProperty("nats").GetProperty("lastError").GetString(),
            Stopped = totals.GetProperty("stopped").GetInt32(),
            Superseded = ingest.TryGetProperty("superseded", out var superseded) ? superseded.GetInt64() : 0,
            Replay = currency.TryGetProperty("replay", out var replay) && replay.ValueKind == JsonValueKind.Object
                ? (replay.GetProperty("replayed").GetInt64(), replay.GetProperty("total").GetInt64())
                : null,
            ReplayInterruptions = currency.GetProperty("replayInterruptions").GetInt32(),
            HistoryIncomplete = currency.TryGetProperty("historyIncomplete", out var incomplete) ? incomplete.GetString() : null,
            HistoryUnavailable = currency.TryGetProperty("historyUnavailable", out var unavailable) ? unavailable.GetString() : null,
        };
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
