using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ChoriaDashboard.Events;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace ChoriaDashboard.LoadGen;

/// <summary>Options of the <c>replay</c> mode.</summary>
internal sealed record ReplayBenchOptions(int Nodes, int Runs, string AppDll, string Environment, string Output, string CommandLine)
{
    /// <summary>Hostile messages stored among the valid ones.</summary>
    public HostileHistory Hostile { get; init; } = new(0, 0, 0, 0);

    /// <summary>Settings passed to the app (<c>Section:Key=value</c>).</summary>
    public IReadOnlyList<string> AppSettings { get; init; } = [];
}

/// <summary>
/// What a hostile or buggy publisher leaves in Choria Streams: <paramref name="Huge"/> messages of
/// <paramref name="HugeBytes"/> each (beyond <c>Ingest:MaxPayloadBytes</c>, within the broker's max_payload),
/// alives of <paramref name="Flood"/> made-up identities, and <paramref name="Malformed"/> messages no decoder takes.
/// </summary>
internal sealed record HostileHistory(int Huge, int HugeBytes, int Flood, int Malformed)
{
    public int Count => Huge + Flood + Malformed;

    /// <summary>The oversized messages, in one run: the worst case for a pull, which would take them all at once.</summary>
    public IReadOnlyList<Msg> BuildHuge() => Huge > 0 ? Enumerable.Repeat(HugeMessage(), Huge).ToList() : [];

    /// <summary>The made-up identities' alives and the malformed messages, mixed in a fixed order.</summary>
    public IReadOnlyList<Msg> BuildSmall()
    {
        var kinds = new List<Msg>(Flood + Malformed);
        var malformed = MalformedMessages();
        for (int f = 0, m = 0; f < Flood || m < Malformed;)
        {
            for (var i = 0; i < 100 && f < Flood; i++, f++)
            {
                kinds.Add(Messages.Alive(f, "madeup"));
            }

            for (var i = 0; i < 20 && m < Malformed; i++, m++)
            {
                kinds.Add(malformed[m % malformed.Length]);
            }
        }

        return kinds;
    }

    private Msg HugeMessage()
    {
        // Valid JSON, so only the size limit stops it.
        var padding = new string('x', Math.Max(0, HugeBytes - 200));
        var body = Encoding.UTF8.GetBytes($$"""{"protocol":"io.choria.lifecycle.v1.alive","identity":"huge.example.net","component":"server","version":"0.29.4","timestamp":1718000000,"padding":"{{padding}}"}""");
        return new Msg(ChoriaSubjects.Lifecycle(LifecycleEventType.Alive, ChoriaComponents.Server), null, body);
    }

    private static Msg[] MalformedMessages()
    {
        var subject = ChoriaSubjects.Lifecycle(LifecycleEventType.Alive, ChoriaComponents.Server);
        string[] bodies =
        [
            "not json at all",
            """{"protocol":"io.choria.lifecycle.v1.alive","identity":""",
            new string('[', 5000) + new string(']', 5000),
            """{"specversion":"1.0","type":"io.choria.lifecycle.v1.alive","source":"","id":""}""",
            """{"protocol":"io.choria.lifecycle.v1.alive","identity":"<script>x</script>","component":"server","version":"1","timestamp":1}""",
            "{\"protocol\":\"io.choria.lifecycle.v1.alive\",\"identity\":\"web\u200b1.example.net\",\"component\":\"server\",\"version\":\"1\",\"timestamp\":1}",
            "\u0000\u0001\u0002 binary",
        ];
        return [.. bodies.Select(b => new Msg(subject, null, Encoding.UTF8.GetBytes(b)))];
    }
}

/// <summary>
/// Restart recovery: N nodes with 3 events each (startup, alive, then an alive or a nagios state) stored in Choria
/// Streams on a JetStream nats-server; the app is started again and again, and we time process start to a complete
/// view (every node shown, replay caught up), with the RSS after it; then the same start without replay.
/// </summary>
internal sealed class ReplayBench(ReplayBenchOptions o)
{
    private readonly string _artifacts = Path.GetDirectoryName(o.Output)!;

    public async Task<int> RunAsync()
    {
        Directory.CreateDirectory(_artifacts);
        var store = Directory.CreateTempSubdirectory("choria-replay-bench-").FullName;
        var natsPort = Net.FreePort();
        var natsUrl = $"nats://127.0.0.1:{natsPort}";
        try
        {
            await using var nats = Child.Start(Net.FindNatsServer(), ["-a", "127.0.0.1", "-p", natsPort.ToString(CultureInfo.InvariantCulture), "-js", "-sd", store], null, null, Path.Combine(_artifacts, "replay-nats-server.log"));
            await Net.WaitForPortAsync(natsPort, TimeSpan.FromSeconds(15), nats, "nats-server");
            var stored = await StoreAsync(natsUrl);

            var withReplay = new List<(TimeSpan Complete, long Rss, long Peak)>();
            for (var run = 0; run < o.Runs; run++)
            {
                withReplay.Add(await StartAndWaitCompleteAsync(natsUrl, replay: true, run));
                Log.Line($"replay run {run + 1}: complete view after {withReplay[^1].Complete.TotalSeconds:0.00} s, RSS {withReplay[^1].Rss / 1048576.0:0} MiB, peak {withReplay[^1].Peak / 1048576.0:0} MiB");
            }

            var without = await StartAndWaitCompleteAsync(natsUrl, replay: false, 0);
            await File.WriteAllTextAsync(o.Output, Report(stored, withReplay, without));
            Console.WriteLine(await File.ReadAllTextAsync(o.Output));
            return 0;
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    /// <summary>Creates the two streams and stores 3 events per node through JetStream (acknowledged).</summary>
    private async Task<long> StoreAsync(string url)
    {
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = url, Name = "choria-loadgen-replay" });
        var js = new NatsJSContext(connection);
        await js.CreateStreamAsync(new StreamConfig(ChoriaStreams.Events, [ChoriaStreams.EventsSubjects]) { MaxAge = TimeSpan.FromDays(1) });
        await js.CreateStreamAsync(new StreamConfig(ChoriaStreams.Machine, [ChoriaStreams.MachineSubjects]) { MaxAge = TimeSpan.FromDays(1) });
        var valid = new List<Msg>(o.Nodes * 3);
        valid.AddRange(Messages.Startups(o.Nodes));
        valid.AddRange(Messages.Alives(o.Nodes));
        valid.AddRange(Enumerable.Range(0, o.Nodes).Select(i => Messages.HasChecks(i) ? Messages.Nagios(i, 0) : Messages.Alive(i)));

        // After every node's startup (the real fleet is there first): the made-up identities and malformed messages spread
        // evenly among the valid ones, the oversized ones in one run half-way.
        var hostile = o.Hostile.BuildSmall();
        var messages = new List<Msg>(valid.Count + hostile.Count + o.Hostile.Huge);
        messages.AddRange(valid.Take(o.Nodes));
        var rest = valid.Skip(o.Nodes).ToList();
        for (int v = 0, h = 0; v < rest.Count || h < hostile.Count;)
        {
            if (v == rest.Count / 2)
            {
                messages.AddRange(o.Hostile.BuildHuge());
            }

            if (v < rest.Count)
            {
                messages.Add(rest[v++]);
            }

            while (h < hostile.Count && (long)h * rest.Count <= (long)v * hostile.Count)
            {
                messages.Add(hostile[h++]);
            }
        }

        var sw = Stopwatch.StartNew();
        var pending = new Queue<NatsJSPublishConcurrentFuture>();
        foreach (var m in messages)
        {
            pending.Enqueue(await js.PublishConcurrentAsync(m.Subject, m.Body, headers: m.Headers));
            if (pending.Count >= (o.Hostile.Huge > 0 ? 64 : 2000))
            {
                await using var future = pending.Dequeue();
                (await future.GetResponseAsync()).EnsureSuccess();
            }
        }

        while (pending.TryDequeue(out var future))
        {
            await using (future)
            {
                (await future.GetResponseAsync()).EnsureSuccess();
            }
        }

        Log.Line($"replay: stored {messages.Count:N0} events ({Messages.Describe(messages)}) in {sw.Elapsed.TotalSeconds:0.0} s");
        return messages.Count;
    }

    /// <summary>From process start to every node shown with the replay caught up (or, without replay, to ready).</summary>
    private async Task<(TimeSpan Complete, long Rss, long Peak)> StartAndWaitCompleteAsync(string natsUrl, bool replay, int run)
    {
        var port = Net.FreePort();
        var args = new List<string>
        {
            o.AppDll, "--urls", $"http://127.0.0.1:{port}", $"--Nats:Url={natsUrl}", $"--Replay:Enabled={replay}",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:ChoriaDashboard.Ingest.Replay=Information",
            // The figures are the fleet's and the pages' cost, not sign-in's or the limits': the app runs open (a
            // warning in its log), and one runner polls /api/fleet and opens many tabs, far past a client's limits.
            "--Auth:Mode=Unsecured", "--Security:ApiRequestsPerMinute=1000000", "--Security:MaxCircuitsPerClient=100000",
        };
        args.AddRange(o.AppSettings.Select(setting => "--" + setting));
        var env = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = o.Environment, ["DOTNET_NOLOGO"] = "1" };
        var sw = Stopwatch.StartNew();
        await using var app = Child.Start("dotnet", args, Path.GetDirectoryName(Path.GetFullPath(o.AppDll)), env, Path.Combine(_artifacts, $"replay-app-{(replay ? "on" : "off")}-{run}.log"));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = TimeSpan.FromMinutes(3);
        while (sw.Elapsed < deadline)
        {
            if (app.HasExited)
            {
                throw new InvalidOperationException("the app exited at start; see its log under " + _artifacts);
            }

            try
            {
                var fleet = await http.GetFromJsonAsync<JsonElement>("api/fleet");
                var nodes = fleet.GetProperty("totals").GetProperty("nodes").GetInt32();
                var currency = fleet.GetProperty("currency");
                var caughtUp = currency.GetProperty("isCurrent").GetBoolean() && fleet.GetProperty("nats").GetProperty("ready").GetBoolean();
                if (caughtUp && (nodes >= o.Nodes || !replay))
                {
                    var elapsed = sw.Elapsed;
                    var memory = ProcStats.Memory(app.Pid);
                    if (replay && o.Hostile.Count > 0)
                    {
                        _rejected = fleet.GetProperty("ingest").GetProperty("rejectedByReason").ToString();
                    }

                    return (elapsed, memory.Rss, memory.Peak);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"no complete view within {deadline.TotalMinutes:0} min (replay {(replay ? "on" : "off")})");
    }

    private string? _rejected;

    private string Report(long stored, List<(TimeSpan Complete, long Rss, long Peak)> withReplay, (TimeSpan Complete, long Rss, long Peak) without)
    {
        static string Seconds(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return string.Create(CultureInfo.InvariantCulture, $"median {sorted[sorted.Length / 2]:0.00} s (min {sorted[0]:0.00}, max {sorted[^1]:0.00}, {sorted.Length} runs)");
        }

        var rss = withReplay.Select(r => r.Rss / 1048576.0).Order().ToArray();
        var text = new StringBuilder();
        text.AppendLine("# ChoriaDashboard restart recovery benchmark").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Run: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; {Environment.ProcessorCount} cores; command: `{o.CommandLine}`");
        text.AppendLine(CultureInfo.InvariantCulture, $"Streams: {stored:N0} events for {o.Nodes:N0} nodes (startup, alive, alive or nagios state) in CHORIA_EVENTS and CHORIA_MACHINE").AppendLine();
        text.AppendLine("| What | Figure |").AppendLine("|---|---|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| process start → complete view, replay on | {Seconds(withReplay.Select(r => r.Complete.TotalSeconds))} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| RSS after the replay | median {rss[rss.Length / 2]:0} MiB (min {rss[0]:0}, max {rss[^1]:0}) |");
        var peaks = withReplay.Select(r => r.Peak / 1048576.0).Order().ToArray();
        text.AppendLine(CultureInfo.InvariantCulture, $"| peak RSS from start to complete view (VmHWM) | median {peaks[peaks.Length / 2]:0} MiB (min {peaks[0]:0}, max {peaks[^1]:0}) |");
        if (o.Hostile.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| hostile messages among them | {o.Hostile.Huge:N0} of {o.Hostile.HugeBytes:N0} bytes, {o.Hostile.Flood:N0} made-up identities, {o.Hostile.Malformed:N0} malformed |");
            text.AppendLine(CultureInfo.InvariantCulture, $"| rejected by reason (last run) | `{_rejected}` |");
        }

        if (o.AppSettings.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| app settings | {string.Join(", ", o.AppSettings)} |");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"| process start → ready, replay off | {without.Complete.TotalSeconds:0.00} s, with 0 of {o.Nodes:N0} nodes known: complete only after the next alive cycle (30 min in production) |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| RSS at ready, replay off | {without.Rss / 1048576.0:0} MiB |");
        return text.ToString();
    }
}
