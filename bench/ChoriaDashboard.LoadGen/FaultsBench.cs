using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ChoriaDashboard.LoadGen;

/// <summary>Options of the <c>faults</c> mode; sizes for a full run, or a smoke run of about two minutes.</summary>
internal sealed record FaultsBenchOptions
{
    public bool Smoke { get; init; }

    /// <summary>Broker restarts under steady load (fault 1).</summary>
    public int Restarts { get; init; } = 10;

    /// <summary>The steady fleet (faults 1 and 4) and the valid fleet after the flood (fault 3).</summary>
    public int Nodes { get; init; } = 10_000;

    /// <summary>Each node's alive interval under steady load.</summary>
    public TimeSpan AliveInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Steady load before each restart, and how long the broker stays down.</summary>
    public TimeSpan Between { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Down { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The slow consumer's burst of startups (fault 2), into a client buffer of <see cref="PendingLimit"/> messages.</summary>
    public int Burst { get; init; } = 20_000;

    public int PendingLimit { get; init; } = 1_000;

    /// <summary>Hostile messages published at full speed (fault 3).</summary>
    public int Flood { get; init; } = 1_000_000;

    /// <summary>Browser tabs per round, and rounds (fault 5).</summary>
    public int Tabs { get; init; } = 100;

    public int Rounds { get; init; } = 2;

    /// <summary>Faults to run (restarts, slow, flood, sigterm, tabs, cluster); empty for all.</summary>
    public IReadOnlyList<string> Only { get; init; } = [];

    public required string AppDll { get; init; }

    public required string Environment { get; init; }

    public required string Output { get; init; }

    public required string CommandLine { get; init; }
}

/// <summary>
/// The faults of issue 22, each against a fresh nats-server (or a fresh three-node cluster) and a fresh app process (the
/// published app, as it ships): the broker restarted under steady load, a slow consumer, a flood of hostile messages,
/// SIGTERM under load, browser tabs opened and closed in rounds; on a cluster, the app's broker killed under load and a
/// broker killed in the middle of a replay. Each fault measures what an operator would ask (times, memory,
/// counts) and checks what must hold; the report (<c>artifacts/bench/reliability.md</c>) is what docs/reliability.md
/// is copied from. Every process it starts is stopped by its PID on the way out.
/// </summary>
internal sealed partial class FaultsBench(FaultsBenchOptions o)
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);
    private readonly string _artifacts = Path.GetDirectoryName(o.Output)!;
    private readonly List<FaultSection> _sections = [];
    private Browser? _browser;

    public async Task<int> RunAsync()
    {
        Directory.CreateDirectory(_artifacts);
        var started = Stopwatch.StartNew();
        Log.Line($"faults: {(o.Smoke ? "SMOKE, " : "")}{o.Restarts} restarts, {o.Nodes:N0} nodes, burst {o.Burst:N0} into {o.PendingLimit:N0}, flood {o.Flood:N0}, {o.Rounds} rounds of {o.Tabs} tabs, {ClusterKills} cluster kills, a replay of {ReplayNodes:N0} nodes; app {o.AppDll} ({o.Environment})");
        try
        {
            await Fault("restarts", "1", $"The broker restarted {o.Restarts} times under steady load", RestartsAsync);
            await Fault("slow", "2", "A slow consumer: a burst past the client's buffer", SlowConsumerAsync);
            await Fault("flood", "3", $"{o.Flood:N0} hostile messages at full speed, then the valid fleet", FloodAsync);
            await Fault("sigterm", "4", "SIGTERM under load", SigtermAsync);
            await Fault("tabs", "5", $"Browser tabs opened and closed in rounds of {o.Tabs}", TabsAsync);
            await Fault("cluster", "6", $"A cluster: the app's broker killed {Times(ClusterKills)} under load from the other brokers", ClusterFailoverAsync);
            await Fault("cluster", "7", $"A cluster: a broker killed in the middle of a replay of {ReplayNodes:N0} nodes", ClusterReplayAsync);
        }
        finally
        {
            if (_browser is not null)
            {
                await _browser.DisposeAsync();
            }
        }

        var markdown = Markdown(started.Elapsed);
        await File.WriteAllTextAsync(o.Output, markdown);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Log.Line($"written to {o.Output}");
        var failed = _sections.Where(s => s.Failed).Select(s => s.Number).ToList();
        if (failed.Count > 0)
        {
            Log.Line($"faults: checks failed in {string.Join(", ", failed)}");
        }

        return failed.Count == 0 ? 0 : 1;
    }

    private async Task Fault(string name, string number, string title, Func<FaultSection, Task> run)
    {
        if (o.Only.Count > 0 && !o.Only.Contains(name))
        {
            return;
        }

        var section = new FaultSection(number, title, $"scripts/bench.sh faults{(o.Smoke ? " --smoke" : "")} --only {name}");
        _sections.Add(section);
        Log.Line($"--- fault {number}: {title}");
        var sw = Stopwatch.StartNew();
        try
        {
            await run(section);
        }
        catch (Exception e)
        {
            Log.Line($"fault {number} failed to run: {e}");
            section.Check("the run itself", false, $"{e.GetType().Name}: {e.Message}");
        }

        section.Figure("time this fault took to run", $"{sw.Elapsed.TotalSeconds:0} s");
    }

    /// <summary>"once", "3 times".</summary>
    private static string Times(int n) => n == 1 ? "once" : $"{n} times";

    private async Task<Browser> BrowserAsync() => _browser ??= await Browser.LaunchAsync();

    private string Markdown(TimeSpan took)
    {
        var text = new StringBuilder();
        text.AppendLine("# ChoriaDashboard reliability: faults on one broker and on a cluster").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- Run: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {took.TotalMinutes:0.0} min{(o.Smoke ? ", SMOKE (small sizes: the machinery, not the figures)" : "")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {Machine.Describe()}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Command: `{o.CommandLine}` (through `scripts/bench.sh faults`)");
        text.AppendLine(CultureInfo.InvariantCulture, $"- App: `{Path.GetFileName(o.AppDll)}` as published ({o.Environment}), a fresh process and a fresh {Machine.NatsVersion()} on loopback for each fault (three of them in a cluster for 6 and 7)");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Result: {_sections.Count(s => !s.Failed)} of {_sections.Count} faults passed every check").AppendLine();
        foreach (var section in _sections)
        {
            section.Write(text);
        }

        return text.ToString();
    }
}

/// <summary>One fault's part of the report: what was done, what was measured, what was checked, and how to reproduce it.</summary>
internal sealed class FaultSection(string number, string title, string reproduce)
{
    private readonly List<string> _done = [];
    private readonly List<(string Figure, string Value)> _figures = [];
    private readonly List<(string Check, bool Passed, string Evidence)> _checks = [];

    public string Number { get; } = number;

    /// <summary>The suite's test of the same fault, if any.</summary>
    public string? Test { get; set; }

    public bool Failed => _checks.Any(c => !c.Passed);

    public void Done(string paragraph) => _done.Add(paragraph);

    public void Figure(string figure, string value)
    {
        _figures.Add((figure, value));
        Log.Line($"FIGURE  {figure}: {value}");
    }

    public void Check(string check, bool passed, string evidence)
    {
        _checks.Add((check, passed, evidence));
        Log.Line($"CHECK   {check}: {(passed ? "pass" : "FAIL")} ({evidence})");
    }

    public void Write(StringBuilder text)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"## {Number}. {title}").AppendLine();
        foreach (var paragraph in _done)
        {
            text.AppendLine(paragraph).AppendLine();
        }

        if (Test is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"In the test suite: {Test}.").AppendLine();
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"Reproduce: `{reproduce}`").AppendLine();
        text.AppendLine("| Measured | Value |").AppendLine("|---|---|");
        foreach (var (figure, value) in _figures)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {Cell(figure)} | {Cell(value)} |");
        }

        text.AppendLine().AppendLine("| Check | Result | Evidence |").AppendLine("|---|---|---|");
        foreach (var (check, passed, evidence) in _checks)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {Cell(check)} | {(passed ? "pass" : "**FAIL**")} | {Cell(evidence)} |");
        }

        text.AppendLine();
    }

    private static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}

/// <summary>What the report says of the machine it ran on.</summary>
internal static class Machine
{
    public static string Describe()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var mem = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal));
        var kib = long.Parse(mem.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return $"{System.Environment.ProcessorCount} CPUs ({cpu}), {kib / 1024.0 / 1024.0:0.0} GiB RAM, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {System.Environment.Version}";
    }

    public static string NatsVersion()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(Net.FindNatsServer(), "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
            var text = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit(5000);
            return text;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return "nats-server";
        }
    }
}
