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
internal sealed record ReplayBenchOptions(int Nodes, int Runs, string AppDll, string Environment, string Output, string CommandLine);

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

            var withReplay = new List<(TimeSpan Complete, long Rss)>();
            for (var run = 0; run < o.Runs; run++)
            {
                withReplay.Add(await StartAndWaitCompleteAsync(natsUrl, replay: true, run));
                Log.Line($"replay run {run + 1}: complete view after {withReplay[^1].Complete.TotalSeconds:0.00} s, RSS {withReplay[^1].Rss / 1048576.0:0} MiB");
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
        var messages = new List<Msg>(o.Nodes * 3);
        messages.AddRange(Messages.Startups(o.Nodes));
        messages.AddRange(Messages.Alives(o.Nodes));
        messages.AddRange(Enumerable.Range(0, o.Nodes).Select(i => Messages.HasChecks(i) ? Messages.Nagios(i, 0) : Messages.Alive(i)));
        var sw = Stopwatch.StartNew();
        var pending = new Queue<NatsJSPublishConcurrentFuture>();
        foreach (var m in messages)
        {
            pending.Enqueue(await js.PublishConcurrentAsync(m.Subject, m.Body, headers: m.Headers));
            if (pending.Count >= 2000)
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
    private async Task<(TimeSpan Complete, long Rss)> StartAndWaitCompleteAsync(string natsUrl, bool replay, int run)
    {
        var port = Net.FreePort();
        var args = new List<string>
        {
            o.AppDll, "--urls", $"http://127.0.0.1:{port}", $"--Nats:Url={natsUrl}", $"--Replay:Enabled={replay}",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:ChoriaDashboard.Ingest.Replay=Information",
        };
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
                    return (elapsed, ProcStats.Memory(app.Pid).Rss);
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

    private string Report(long stored, List<(TimeSpan Complete, long Rss)> withReplay, (TimeSpan Complete, long Rss) without)
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
        text.AppendLine(CultureInfo.InvariantCulture, $"| process start → ready, replay off | {without.Complete.TotalSeconds:0.00} s, with 0 of {o.Nodes:N0} nodes known: complete only after the next alive cycle (30 min in production) |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| RSS at ready, replay off | {without.Rss / 1048576.0:0} MiB |");
        return text.ToString();
    }
}
