using System.Diagnostics;
using ChoriaDashboard.LoadGen;

// Load generator and end-to-end benchmark for ChoriaDashboard. Loopback only; every loop is bounded.
//   steady  --url nats://127.0.0.1:4222 --nodes 50000 --interval 10s --duration 60s
//   storm   --url ... --nodes 100000 [--rate 20000] [--prefix node]
//   mix     --url ... --nodes 100000 --messages 300000
//   measure --nodes 100000 [--smoke] [--app PATH] [--environment Production] [--out artifacts/bench/results.md] ...
//   faults  [--smoke] [--only restarts,slow,flood,sigterm,tabs,cluster] ...
if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine("""
        usage: ChoriaDashboard.LoadGen <mode> [options]
          steady  --url URL --nodes N [--interval 10s] [--duration 60s] [--prefix node]
                  every node sends an alive once per interval (spread evenly), nodes with checks a nagios state too
          storm   --url URL --nodes N [--rate MSGS_PER_S] [--prefix node]
                  N startups, as fast as NATS takes them (or at a rate)
          mix     --url URL --nodes N [--messages M]
                  M pre-encoded messages: alive, startup, nagios state, transition in all three shapes, as fast as possible
          replay  [--nodes 100000] [--runs 3] [--app DLL] [--environment Production] [--out FILE]
                  [--huge 0] [--huge-bytes 1000000] [--flood 0] [--malformed 0] [--app-setting Section:Key=value]...
                  stores 3 events per node in Choria Streams (nats-server with JetStream), then times process start
                  to a complete view with replay, N runs, and the RSS after it (and its peak); and a start without
                  replay. --huge, --flood, --malformed mix hostile messages among them: that many oversized
                  messages, alives of made-up identities, and malformed messages.
          webhooks [--nodes 100000] [--smoke] [--app DLL] [--environment Production] [--out FILE]
                  the startup storm against the app without webhooks, then with three endpoints (two on a fast local
                  receiver, one dead: accepts connections, never answers); the storm's time both ways and the
                  deliveries per second. --smoke: 2,000 nodes.
          faults  [--smoke] [--only restarts,slow,flood,sigterm,tabs,cluster] [--app DLL] [--environment Production] [--out FILE]
                  [--restarts 10] [--nodes 10000] [--burst 20000] [--pending-limit 1000] [--flood 1000000] [--tabs 100] [--rounds 2]
                  faults on one broker and on a three-node cluster, each against a fresh nats-server (or cluster) and app: the broker killed and started again
                  under steady load (reconnect times, lost and double-counted messages, false stale or dead); a burst past
                  Nats:PendingMessagesLimit (drops counted and shown, recovery); a flood of hostile messages at full speed,
                  then the valid fleet (rejections by reason, peak RSS); SIGTERM under load with a circuit and a hub client
                  open (time to exit, exit code, log); Chromium tabs opened and closed in rounds (fleet subscriptions,
                  circuits, RSS); on a cluster, the app's broker killed under load and a broker killed mid-replay of
                  100,000 nodes. Writes artifacts/bench/reliability.md. --smoke: small sizes, about 80 s (+1 min cluster).
          measure [--nodes 100000] [--smoke] [--app DLL] [--environment Production|Development] [--out FILE]
                  [--browsers 50] [--latency-trials 50] [--steady-nodes 50000] [--steady-interval 10s]
                  [--mixed 300000] [--history 32] [--storm-rate MSGS_PER_S] [--pages /,/nodes] [--app-setting Section:Key=value]... [--app-env NAME=value]... [--open-budget 150s]
                  [--walls 10] [--wall-url /wall?views=...] [--wall-windows 5]
                  [--hub-clients 50] [--cold-app NAME=DLL]... [--cold-runs 3]
                  [--only storm,ingest,render,cold,memory,latency,circuits,wall,metrics,api,hub]
                  starts nats-server, the app and Chromium; measures; writes a markdown table.
                  cold: each --cold-app (default: --app) started afresh per round, the first GET /nodes and the first
                  browser /nodes after /readyz, then warm first rows (issue 23).
                  --smoke: 2,000 nodes, 5 browsers, 10 trials; exits non-zero only if the machinery fails.
        """);
    return args.Length == 0 ? 2 : 0;
}

var mode = args[0];
AppDomain.CurrentDomain.ProcessExit += (_, _) => Child.KillAll();
// Ctrl-C or a kill (e.g. the script's timeout): stop nats-server and the app by their PIDs before going.
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, _ => Child.KillAll());
using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, _ => Child.KillAll());
var options = new Args(args.Skip(1));
try
{
    switch (mode)
    {
        case "steady":
            {
                var url = options.String("url", "nats://127.0.0.1:4222");
                var nodes = options.Int("nodes", 50_000);
                var interval = options.Duration("interval", TimeSpan.FromSeconds(10));
                var duration = options.Duration("duration", TimeSpan.FromSeconds(60));
                var prefix = options.String("prefix", "node");
                options.EnsureAllUsed();
                var cycle = Messages.SteadyCycle(nodes, prefix);
                Log.Line($"steady: {Messages.Describe(cycle)} every {interval.TotalSeconds:0.#} s = {cycle.Length / interval.TotalSeconds:N0} msg/s for {duration.TotalSeconds:0} s");
                await using var publisher = new Publisher(url);
                await publisher.ConnectAsync();
                using var cts = new CancellationTokenSource();
                Console.CancelKeyPress += (_, e) =>
                {
                    e.Cancel = true;
                    cts.Cancel();
                };
                var sent = await publisher.SteadyAsync(cycle, interval, duration, cts.Token);
                Log.Line($"steady: published {sent:N0}");
                return 0;
            }

        case "storm":
            {
                var url = options.String("url", "nats://127.0.0.1:4222");
                var nodes = options.Int("nodes", 100_000);
                var rate = options.Int("rate", 0);
                var prefix = options.String("prefix", "node");
                options.EnsureAllUsed();
                var startups = Messages.Startups(nodes, prefix);
                Log.Line($"storm: {Messages.Describe(startups)}");
                await using var publisher = new Publisher(url);
                await publisher.ConnectAsync();
                var elapsed = rate > 0 ? await publisher.PacedAsync(startups, rate) : await publisher.BlastAsync(startups);
                await publisher.FlushAsync();
                Log.Line($"storm: published {startups.Length:N0} in {elapsed.TotalSeconds:0.00} s ({startups.Length / elapsed.TotalSeconds:N0} msg/s)");
                return 0;
            }

        case "mix":
            {
                var url = options.String("url", "nats://127.0.0.1:4222");
                var nodes = options.Int("nodes", 100_000);
                var count = options.Int("messages", 300_000);
                var prefix = options.String("prefix", "node");
                options.EnsureAllUsed();
                var mixed = Messages.Mixed(count, nodes, prefix);
                Log.Line($"mix: {Messages.Describe(mixed)}");
                await using var publisher = new Publisher(url);
                await publisher.ConnectAsync();
                var elapsed = await publisher.BlastAsync(mixed);
                await publisher.FlushAsync();
                Log.Line($"mix: published {mixed.Length:N0} in {elapsed.TotalSeconds:0.00} s ({mixed.Length / elapsed.TotalSeconds:N0} msg/s)");
                return 0;
            }

        case "replay":
            {
                var replayOptions = new ReplayBenchOptions(
                    options.Int("nodes", 100_000),
                    options.Int("runs", 3),
                    Path.GetFullPath(options.String("app") ?? DefaultApp()),
                    options.String("environment") ?? "Production",
                    Path.GetFullPath(options.String("out", Path.Combine("artifacts", "bench", "replay.md"))),
                    "ChoriaDashboard.LoadGen " + string.Join(' ', args))
                {
                    Hostile = new HostileHistory(options.Int("huge", 0), options.Int("huge-bytes", 1_000_000), options.Int("flood", 0), options.Int("malformed", 0)),
                    AppSettings = options.All("app-setting"),
                };
                options.EnsureAllUsed();
                return await new ReplayBench(replayOptions).RunAsync();
            }

        case "flood":
            {
                var smoke = options.Flag("smoke");
                var floodOptions = new FloodBenchOptions(
                    options.Int("valid", smoke ? 500 : 10_000),
                    options.Int("components", smoke ? 500 : 5_000),
                    options.Int("check-hosts", smoke ? 200 : 17_200),
                    options.Int("node-flood", smoke ? 5_000 : 300_000),
                    Path.GetFullPath(options.String("app") ?? DefaultApp()),
                    options.String("environment") ?? "Production",
                    Path.GetFullPath(options.String("out", Path.Combine("artifacts", "bench", smoke ? "flood-smoke.md" : "flood.md"))),
                    "ChoriaDashboard.LoadGen " + string.Join(' ', args))
                {
                    AppSettings = options.All("app-setting"),
                    FullSpeed = options.Flag("full-speed"),
                };
                options.EnsureAllUsed();
                return await new FloodBench(floodOptions).RunAsync();
            }

        case "webhooks":
            {
                var webhookOptions = new WebhookBenchOptions(
                    options.Int("nodes", options.Flag("smoke") ? 2_000 : 100_000),
                    Path.GetFullPath(options.String("app") ?? DefaultApp()),
                    options.String("environment") ?? "Production",
                    Path.GetFullPath(options.String("out", Path.Combine("artifacts", "bench", "webhooks.md"))),
                    "ChoriaDashboard.LoadGen " + string.Join(' ', args));
                options.EnsureAllUsed();
                return await new WebhookBench(webhookOptions).RunAsync();
            }

        case "faults":
            {
                var smoke = options.Flag("smoke");
                var faults = new FaultsBenchOptions
                {
                    Smoke = smoke,
                    Restarts = options.Int("restarts", smoke ? 2 : 10),
                    Nodes = options.Int("nodes", smoke ? 1_000 : 10_000),
                    Between = smoke ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(5),
                    Down = smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(2),
                    Burst = options.Int("burst", smoke ? 5_000 : 20_000),
                    PendingLimit = options.Int("pending-limit", smoke ? 256 : 1_000),
                    Flood = options.Int("flood", smoke ? 20_000 : 1_000_000),
                    Tabs = options.Int("tabs", smoke ? 5 : 100),
                    Rounds = options.Int("rounds", 2),
                    Only = options.String("only", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    AppDll = Path.GetFullPath(options.String("app") ?? DefaultApp()),
                    Environment = options.String("environment") ?? "Production",
                    Output = Path.GetFullPath(options.String("out", Path.Combine("artifacts", "bench", smoke ? "reliability-smoke.md" : "reliability.md"))),
                    CommandLine = "ChoriaDashboard.LoadGen " + string.Join(' ', args),
                };
                options.EnsureAllUsed();
                if (!File.Exists(faults.AppDll))
                {
                    throw new FileNotFoundException($"the app is not built: {faults.AppDll} (run scripts/bench.sh faults, or dotnet publish -c Release -o artifacts/bench/app)");
                }

                return await new FaultsBench(faults).RunAsync();
            }

        case "measure":
            {
                var smoke = options.Flag("smoke");
                var nodes = options.Int("nodes", smoke ? 2_000 : 100_000);
                var app = options.String("app") ?? DefaultApp();
                var environment = options.String("environment") ?? (app.Contains("/bin/", StringComparison.Ordinal) ? "Development" : "Production");
                var pages = options.String("pages", "/,/nodes").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var measure = new MeasureOptions
                {
                    Nodes = nodes,
                    Smoke = smoke,
                    Browsers = options.Int("browsers", smoke ? 5 : 50),
                    LatencyTrials = options.Int("latency-trials", smoke ? 10 : 50),
                    SteadyNodes = options.Int("steady-nodes", 50_000),
                    SteadyInterval = options.Duration("steady-interval", TimeSpan.FromSeconds(10)),
                    MixedMessages = options.Int("mixed", Math.Max(100_000, nodes * 3)),
                    HistoryRounds = options.Int("history", 32),
                    OpenBudget = options.Duration("open-budget", smoke ? TimeSpan.FromSeconds(60) : TimeSpan.FromSeconds(150)),
                    CpuWindow = options.Duration("cpu-window", smoke ? TimeSpan.FromSeconds(4) : TimeSpan.FromSeconds(10)),
                    PacedStorm = options.Duration("paced-storm", smoke ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(10)),
                    StormRate = options.Int("storm-rate", 0) is > 0 and var stormRate ? stormRate : null,
                    CircuitPages = pages,
                    Walls = options.Int("walls", smoke ? 2 : 10),
                    WallPath = options.String("wall-url", "/wall?views=overview,problems,checks&interval=20s"),
                    WallWindows = options.Int("wall-windows", smoke ? 2 : 5),
                    HubClients = options.Int("hub-clients", smoke ? 5 : 50),
                    AppDll = Path.GetFullPath(app),
                    Environment = environment,
                    AppSettings = options.All("app-setting"),
                    AppEnvironment = options.All("app-env"),
                    ColdApps = options.All("cold-app").Select(ColdApp.Parse).ToArray(),
                    ColdRuns = options.Int("cold-runs", smoke ? 1 : 3),
                    Only = options.String("only", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    Output = Path.GetFullPath(options.String("out", Path.Combine("artifacts", "bench", smoke ? "results-smoke.md" : "results.md"))),
                    CommandLine = "ChoriaDashboard.LoadGen " + string.Join(' ', args),
                };
                options.EnsureAllUsed();
                if (!File.Exists(measure.AppDll))
                {
                    throw new FileNotFoundException($"the app is not built: {measure.AppDll} (run scripts/bench.sh, or dotnet publish -c Release -o artifacts/bench/app)");
                }

                var sw = Stopwatch.StartNew();
                using var overall = new CancellationTokenSource(TimeSpan.FromMinutes(smoke ? 5 : 20));
                var run = new Measure(measure).RunAsync();
                var finished = await Task.WhenAny(run, Task.Delay(Timeout.Infinite, overall.Token).ContinueWith(_ => 0, TaskScheduler.Default));
                if (finished != run)
                {
                    Log.Line($"measure: gave up after {sw.Elapsed.TotalMinutes:0.0} min");
                    Child.KillAll();
                    return 3;
                }

                return await run;
            }

        default:
            Console.Error.WriteLine($"unknown mode '{mode}'; see --help");
            return 2;
    }
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

static string DefaultApp()
{
    foreach (var candidate in new[] { "artifacts/bench/app/ChoriaDashboard.dll", "bin/Release/net10.0/ChoriaDashboard.dll" })
    {
        if (File.Exists(candidate))
        {
            return candidate;
        }
    }

    return "artifacts/bench/app/ChoriaDashboard.dll";
}
