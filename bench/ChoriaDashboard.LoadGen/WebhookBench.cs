using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChoriaDashboard.LoadGen;

/// <summary>Options of the <c>webhooks</c> mode.</summary>
internal sealed record WebhookBenchOptions(int Nodes, string AppDll, string Environment, string Output, string CommandLine);

/// <summary>
/// The startup storm with webhooks against none, in one run: the app started twice on the same nats-server, first
/// without webhooks, then with three endpoints (two on a fast local receiver in this process, one dead: it accepts
/// connections and never answers), each taking <c>node.started</c>. Times the storm (last published → /api/fleet shows
/// every node) both ways, and the deliveries per second each fast endpoint got; reads the dead one's counts.
/// </summary>
internal sealed class WebhookBench(WebhookBenchOptions o)
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);
    private readonly string _artifacts = Path.GetDirectoryName(o.Output)!;
    private readonly long[] _received = new long[2];
    private readonly long[] _firstAt = [-1, -1];
    private readonly long[] _lastAt = [-1, -1];

    public async Task<int> RunAsync()
    {
        Directory.CreateDirectory(_artifacts);
        var startups = Messages.Startups(o.Nodes);
        var natsPort = Net.FreePort();
        var natsUrl = $"nats://127.0.0.1:{natsPort}";
        await using var nats = Child.Start(Net.FindNatsServer(), ["-a", "127.0.0.1", "-p", natsPort.ToString(CultureInfo.InvariantCulture)], null, null, Path.Combine(_artifacts, "webhooks-nats-server.log"));
        await Net.WaitForPortAsync(natsPort, TimeSpan.FromSeconds(15), nats, "nats-server");
        await using var publisher = new Publisher(natsUrl);
        await publisher.ConnectAsync();

        await using var receiver = await StartReceiverAsync();
        var receiverUrl = receiver.Urls.First();
        // Dead: the kernel accepts connections on the listen backlog; nobody ever reads or answers.
        using var dead = new TcpListener(IPAddress.Loopback, 0);
        dead.Start(1024);
        var deadUrl = $"http://127.0.0.1:{((IPEndPoint)dead.LocalEndpoint).Port}/never";

        var without = await StormAsync(natsUrl, publisher, startups, [], "off");
        string[] endpoints =
        [
            $"Webhooks:Endpoints:0:Url={receiverUrl}/fast/0", $"Webhooks:Endpoints:0:Secret={Secret}", "Webhooks:Endpoints:0:Events:0=node.started",
            $"Webhooks:Endpoints:1:Url={receiverUrl}/fast/1", $"Webhooks:Endpoints:1:Secret={Secret}", "Webhooks:Endpoints:1:Events:0=node.started",
            $"Webhooks:Endpoints:2:Url={deadUrl}", $"Webhooks:Endpoints:2:Secret={Secret}", "Webhooks:Endpoints:2:Events:0=node.started",
            // Every startup fits in the fast endpoints' queues: the figure is delivery, not dropping.
            $"Webhooks:QueueCapacity={Math.Max(10_000, o.Nodes)}",
        ];
        var with = await StormAsync(natsUrl, publisher, startups, endpoints, "on");

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# Webhooks under the startup storm ({o.Nodes:N0} nodes)").AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Run: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {System.Environment.ProcessorCount} CPUs; command `{o.CommandLine}`; app `{o.AppDll}` ({o.Environment})").AppendLine();
        report.AppendLine("| Figure | Without webhooks | With 3 endpoints (2 fast, 1 dead) |").AppendLine("|---|---|---|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| storm: last published → /api/fleet shows all | {Fmt.Ms(without.Lag)} | {Fmt.Ms(with.Lag)} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| storm: first published → all shown | {without.Total.TotalSeconds:0.00} s ({Fmt.Rate(o.Nodes / without.Total.TotalSeconds)}) | {with.Total.TotalSeconds:0.00} s ({Fmt.Rate(o.Nodes / with.Total.TotalSeconds)}) |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| app CPU during the storm and deliveries | {without.CpuSeconds:0.0} s | {with.CpuSeconds:0.0} s |");
        for (var i = 0; i < 2; i++)
        {
            var seconds = Stopwatch.GetElapsedTime(_firstAt[i], _lastAt[i]).TotalSeconds;
            report.AppendLine(CultureInfo.InvariantCulture, $"| fast endpoint {i}: deliveries, first → last | — | {Interlocked.Read(ref _received[i]):N0} in {seconds:0.00} s = {Interlocked.Read(ref _received[i]) / Math.Max(seconds, 1e-9):N0}/s |");
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"| dead endpoint: /api/webhooks | — | {with.Dead} |");
        await File.WriteAllTextAsync(o.Output, report.ToString());
        Console.WriteLine(report);
        Log.Line($"written to {o.Output}");
        var complete = _received.All(r => Interlocked.Read(ref r) == o.Nodes);
        return complete ? 0 : 1;
    }

    private async Task<(TimeSpan Lag, TimeSpan Total, double CpuSeconds, string Dead)> StormAsync(string natsUrl, Publisher publisher, Msg[] startups, string[] settings, string tag)
    {
        var port = Net.FreePort();
        var appUri = new Uri($"http://127.0.0.1:{port}/");
        var args = new List<string>
        {
            o.AppDll, "--urls", $"http://127.0.0.1:{port}", $"--Nats:Url={natsUrl}", $"--Fleet:MaxNodes={Math.Max(250_000, (o.Nodes * 2) + 10_000)}",
            "--Logging:LogLevel:Default=Warning", "--Auth:Mode=Unsecured", "--Security:ApiRequestsPerMinute=1000000",
        };
        args.AddRange(settings.Select(s => "--" + s));
        var env = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = o.Environment, ["DOTNET_NOLOGO"] = "1" };
        await using var app = Child.Start("dotnet", args, Path.GetDirectoryName(o.AppDll), env, Path.Combine(_artifacts, $"webhooks-app-{tag}.log"));
        using var http = new HttpClient { BaseAddress = appUri, Timeout = TimeSpan.FromSeconds(10) };
        var ready = Stopwatch.StartNew();
        while (!await ReadyAsync(http))
        {
            if (app.HasExited || ready.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException($"the app (webhooks {tag}) did not get ready; see its log under {_artifacts}");
            }

            await Task.Delay(50);
        }

        await using var poller = new FleetPoller(appUri, TimeSpan.FromMilliseconds(10));
        var cpu0 = ProcStats.Cpu(app.Pid);
        var sw = Stopwatch.StartNew();
        await publisher.BlastAsync(startups);
        var afterLast = sw.Elapsed;
        await publisher.FlushAsync();
        if (await poller.WaitAsync(r => r.Nodes >= startups.Length, Long) is null)
        {
            throw new TimeoutException($"the app (webhooks {tag}) never showed all {startups.Length:N0} nodes");
        }

        var total = sw.Elapsed;
        Log.Line($"storm with webhooks {tag}: all {startups.Length:N0} shown {(total - afterLast).TotalMilliseconds:0} ms after the last publish");
        var dead = "";
        if (settings.Length > 0)
        {
            var waited = Stopwatch.StartNew();
            while ((Interlocked.Read(ref _received[0]) < startups.Length || Interlocked.Read(ref _received[1]) < startups.Length) && waited.Elapsed < Long)
            {
                await Task.Delay(20);
            }

            var status = await http.GetFromJsonAsync<JsonElement>("api/webhooks");
            var d = status.GetProperty("endpoints")[2];
            dead = $"delivered {d.GetProperty("delivered").GetInt64():N0}, failed attempts {d.GetProperty("failedAttempts").GetInt64():N0}, queue {d.GetProperty("queueLength").GetInt32():N0}, dropped {d.GetProperty("dropped").GetInt64():N0}";
            Log.Line($"deliveries: {Interlocked.Read(ref _received[0]):N0} and {Interlocked.Read(ref _received[1]):N0} of {startups.Length:N0}; dead endpoint {dead}");
        }

        return (total - afterLast, total, (ProcStats.Cpu(app.Pid) - cpu0).TotalSeconds, dead);
    }

    private static async Task<bool> ReadyAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("readyz", UriKind.Relative));
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>The fast receiver: counts each POST per endpoint and answers 200 at once (no verification: its cost is not the dashboard's).</summary>
    private async Task<WebApplication> StartReceiverAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/fast/{index:int}", async (int index, HttpRequest request) =>
        {
            await request.Body.CopyToAsync(Stream.Null);
            var now = Stopwatch.GetTimestamp();
            Interlocked.CompareExchange(ref _firstAt[index], now, -1);
            Interlocked.Exchange(ref _lastAt[index], now);
            Interlocked.Increment(ref _received[index]);
            return Results.Ok();
        });
        await app.StartAsync();
        return app;
    }
}
