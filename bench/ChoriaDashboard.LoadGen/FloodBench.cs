using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.TestKit;

namespace ChoriaDashboard.LoadGen;

/// <summary>Options of the <c>flood</c> mode.</summary>
/// <param name="Valid">Nodes of the valid fleet, each with one check.</param>
/// <param name="Components">Made-up component names one node sends alives for.</param>
/// <param name="CheckHosts">Made-up identities sending <see cref="ChecksPerHost"/> made-up checks each.</param>
/// <param name="NodeFlood">Startups of made-up identities (beyond <c>Fleet:MaxNodes</c> with the defaults).</param>
internal sealed record FloodBenchOptions(int Valid, int Components, int CheckHosts, int NodeFlood, string AppDll, string Environment, string Output, string CommandLine)
{
    /// <summary>Settings passed to the app (<c>Section:Key=value</c>), e.g. a lower <c>Fleet:MaxWatchers</c>.</summary>
    public IReadOnlyList<string> AppSettings { get; init; } = [];

    /// <summary>
    /// Publish at full speed (the NATS client may drop what the ingest cannot take: the slow-consumer path); otherwise
    /// at most 20,000 messages ahead of what the app has handled, so every message reaches the caps.
    /// </summary>
    public bool FullSpeed { get; init; }

    /// <summary>Checks per made-up identity: <c>Fleet:MaxMachinesPerNode</c>'s default, so only the fleet-wide cap stops them.</summary>
    public const int ChecksPerHost = 64;
}

/// <summary>
/// What a bad publisher costs in memory, against the caps of issue 21 at their defaults: the published app with a valid
/// fleet, then, one after another and without a restart, alives for thousands of made-up components from one node,
/// made-up checks from thousands of identities past <c>Fleet:MaxWatchers</c>, and startups of made-up identities past
/// <c>Fleet:MaxNodes</c>, each at full speed. After each, once the writer is idle: resident memory (VmRSS) and its peak
/// (VmHWM), what was accepted and how each refusal was counted; at the end, whether the valid fleet is exact.
/// </summary>
internal sealed class FloodBench(FloodBenchOptions o)
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);
    private readonly string _artifacts = Path.GetDirectoryName(o.Output)!;
    private readonly List<string> _rows = [];
    private FleetPoller? _poller;

    public async Task<int> RunAsync()
    {
        Directory.CreateDirectory(_artifacts);
        var natsPort = Net.FreePort();
        var natsUrl = $"nats://127.0.0.1:{natsPort}";
        await using var nats = Child.Start(Net.FindNatsServer(), ["-a", "127.0.0.1", "-p", natsPort.ToString(CultureInfo.InvariantCulture)], null, null, Path.Combine(_artifacts, "flood-nats-server.log"));
        await Net.WaitForPortAsync(natsPort, TimeSpan.FromSeconds(15), nats, "nats-server");

        var port = Net.FreePort();
        List<string> args =
        [
            o.AppDll, "--urls", $"http://127.0.0.1:{port}", $"--Nats:Url={natsUrl}",
            "--Logging:LogLevel:Default=Warning", "--Auth:Mode=Unsecured", "--Security:ApiRequestsPerMinute=1000000",
        ];
        args.AddRange(o.AppSettings.Select(s => "--" + s));
        var env = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = o.Environment, ["DOTNET_NOLOGO"] = "1" };
        await using var app = Child.Start("dotnet", args, Path.GetDirectoryName(o.AppDll), env, Path.Combine(_artifacts, "flood-app.log"));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        var ready = Stopwatch.StartNew();
        while (!await ReadyAsync(http))
        {
            if (app.HasExited || ready.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException($"the app did not get ready; see {_artifacts}/flood-app.log");
            }

            await Task.Delay(50);
        }

        await using var publisher = new Publisher(natsUrl);
        await publisher.ConnectAsync();
        await using var poller = new FleetPoller(http.BaseAddress!, TimeSpan.FromMilliseconds(20));
        _poller = poller;
        await StepAsync(http, app, publisher, "idle, connected", []);

        var valid = new List<Msg>(o.Valid * 2);
        for (var i = 0; i < o.Valid; i++)
        {
            valid.Add(Messages.Startup(i, "valid"));
            valid.Add(Messages.Nagios(i, 0, "valid"));
        }

        await StepAsync(http, app, publisher, $"valid fleet: {o.Valid:N0} nodes with a check each", valid);

        var components = new List<Msg>(o.Components);
        for (var c = 0; c < o.Components; c++)
        {
            components.Add(Messages.Of(TestEvents.Alive("flood.example.net", "1.0.0", $"made_up_{c:00000}"), WireFormat.CloudEventStructured));
        }

        await StepAsync(http, app, publisher, $"{o.Components:N0} made-up components from one node", components);

        var checks = new List<Msg>(o.CheckHosts * FloodBenchOptions.ChecksPerHost);
        for (var h = 0; h < o.CheckHosts; h++)
        {
            var identity = Messages.Identity(h, "checkflood");
            for (var c = 0; c < FloodBenchOptions.ChecksPerHost; c++)
            {
                checks.Add(Messages.Of(TestEvents.Nagios(identity, $"check_made_up_{c:00}", c % 4, output: "made up"), WireFormat.CloudEventStructured));
            }
        }

        await StepAsync(http, app, publisher, $"{checks.Count:N0} made-up checks ({o.CheckHosts:N0} identities x {FloodBenchOptions.ChecksPerHost})", checks);
        checks.Clear();

        await StepAsync(http, app, publisher, $"{o.NodeFlood:N0} startups of made-up identities", Messages.Startups(o.NodeFlood, "nodeflood"));

        // The valid fleet after all of it: its next alives and checks are taken, and each of its nodes is there and live.
        var again = new List<Msg>(o.Valid * 2);
        for (var i = 0; i < o.Valid; i++)
        {
            again.Add(Messages.Alive(i, "valid"));
            again.Add(Messages.Nagios(i, 1, "valid"));
        }

        await StepAsync(http, app, publisher, "the valid fleet's next alives and checks", again);
        var (exact, missing) = await ValidFleetAsync(http);

        var report = new StringBuilder();
        report.AppendLine("# Floods from bad publishers: memory against the caps at their defaults").AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Run: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {System.Environment.ProcessorCount} CPUs; command `{o.CommandLine}`; app `{o.AppDll}` ({o.Environment}), defaults: Fleet:MaxNodes 250,000, Fleet:MaxWatchers 1,000,000, Fleet:MaxComponents 64, Fleet:MaxMachinesPerNode 64").AppendLine();
        report.AppendLine(o.FullSpeed
            ? "One app process, the steps in order, each published at full speed by one client (what the ingest cannot take, the NATS client drops: `dropped`); figures read once the writer is idle."
            : "One app process, the steps in order, each published by one client at most 20,000 messages ahead of what the app has handled (so none is dropped and every one meets the caps); figures read once the writer is idle.").AppendLine();
        if (o.AppSettings.Count > 0)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"App settings: `{string.Join("`, `", o.AppSettings)}`.").AppendLine();
        }
        report.AppendLine("| Step | Published | Accepted | Refused (by reason) | Nodes | Components | Checks | RSS after | Peak RSS so far |");
        report.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var row in _rows)
        {
            report.AppendLine(row);
        }

        report.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Valid fleet at the end: {(exact ? "exact" : "NOT exact")} ({o.Valid - missing:N0} of {o.Valid:N0} nodes there and live with their check).");
        await File.WriteAllTextAsync(o.Output, report.ToString());
        Console.WriteLine(report);
        Log.Line($"written to {o.Output}");
        return exact && !app.HasExited ? 0 : 1;
    }

    private async Task StepAsync(HttpClient http, Child app, Publisher publisher, string what, IReadOnlyList<Msg> messages)
    {
        var before = await ReadAsync(http);
        var sw = Stopwatch.StartNew();
        if (messages.Count > 0 && o.FullSpeed)
        {
            await publisher.BlastAsync(messages);
            await publisher.FlushAsync();
        }
        else if (messages.Count > 0)
        {
            // Paced by what the app has handled (accepted or refused; superseded events are not in this count, so a
            // step of superseded events only waits for the stall timeout once).
            var paced = await publisher.WindowedAsync(messages, 1, () => _poller!.Last.Processed, 20_000, TimeSpan.FromSeconds(5));
            Log.Line($"{what}: sent {paced.Sent:N0} in {paced.Elapsed.TotalSeconds:0.0} s{(paced.Stalled ? " (the count stalled; the rest sent unpaced)" : "")}");
            for (var i = (int)paced.Sent; i < messages.Count; i++)
            {
                await publisher.PublishAsync(messages[i]);
            }

            await publisher.FlushAsync();
        }

        // Idle: everything published is accounted for (accepted, superseded, refused or dropped) and the queue is empty.
        Reading after = before;
        while (sw.Elapsed < Long)
        {
            after = await ReadAsync(http);
            if (after.Handled - before.Handled >= messages.Count && after.Queue == 0)
            {
                break;
            }

            if (app.HasExited)
            {
                throw new InvalidOperationException($"the app exited during: {what}");
            }

            await Task.Delay(100);
        }

        var (rss, peak) = ProcStats.Memory(app.Pid);
        var checks = await http.GetFromJsonAsync<JsonElement>("api/checks?limit=1");
        var refused = string.Join(", ", after.Refused
            .Select(r => (r.Key, Count: r.Value - before.Refused.GetValueOrDefault(r.Key)))
            .Where(r => r.Count > 0)
            .Select(r => $"{r.Key} {r.Count:N0}"));
        var row = string.Create(CultureInfo.InvariantCulture, $"| {what} | {messages.Count:N0} | {after.Accepted - before.Accepted:N0} | {(refused.Length == 0 ? "none" : refused)} | {after.Nodes:N0} | {after.Components:N0} | {checks.GetProperty("total").GetInt64():N0} | {Fmt.MB(rss)} | {Fmt.MB(peak)} |");
        _rows.Add(row);
        Log.Line($"{what}: {sw.Elapsed.TotalSeconds:0.0} s; RSS {Fmt.MB(rss)}, peak {Fmt.MB(peak)}");
    }

    private static async Task<Reading> ReadAsync(HttpClient http)
    {
        var fleet = await http.GetFromJsonAsync<JsonElement>("api/fleet");
        var ingest = fleet.GetProperty("ingest");
        var refused = ingest.GetProperty("rejectedByReason").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        return new Reading(
            ingest.GetProperty("accepted").GetInt64(),
            ingest.GetProperty("accepted").GetInt64() + ingest.GetProperty("superseded").GetInt64() + ingest.GetProperty("rejected").GetInt64(),
            ingest.GetProperty("queueLength").GetInt32(),
            refused,
            fleet.GetProperty("totals").GetProperty("nodes").GetInt64(),
            fleet.GetProperty("components").GetArrayLength());
    }

    private async Task<(bool Exact, int Missing)> ValidFleetAsync(HttpClient http)
    {
        var missing = 0;
        for (var i = 0; i < o.Valid; i++)
        {
            using var response = await http.GetAsync(new Uri($"api/nodes/{Uri.EscapeDataString(Messages.Identity(i, "valid"))}", UriKind.Relative));
            if (!response.IsSuccessStatusCode)
            {
                missing++;
                continue;
            }

            var node = await response.Content.ReadFromJsonAsync<JsonElement>();
            var live = node.GetProperty("components").EnumerateArray().Any(c => c.GetProperty("state").GetString() == "live");
            var check = node.GetProperty("checks").GetArrayLength() > 0;
            if (!live || !check)
            {
                missing++;
            }
        }

        return (missing == 0, missing);
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

    private readonly record struct Reading(long Accepted, long Handled, int Queue, Dictionary<string, long> Refused, long Nodes, int Components);
}
