using System.Diagnostics;
using System.Globalization;

namespace ChoriaDashboard.LoadGen;

/// <summary>Fault 4: SIGTERM, as an orchestrator sends it, while events pour in and clients are open.</summary>
internal sealed partial class FaultsBench
{
    /// <summary>The .NET host's default <c>HostOptions.ShutdownTimeout</c>, which the app does not change.</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    private async Task SigtermAsync(FaultSection section)
    {
        section.Test = "`GracefulShutdownTests.Sigterm_UnderLoadWithHubClientOpen_ExitsZeroWithinShutdownTimeoutAndClosesTheBrokerConnection` (the app as its own process, 200 nodes, about 2,000 alives a second, a hub client streaming)";
        section.Done(
            $"{o.Nodes:N0} nodes start, then send alives every {o.AliveInterval.TotalSeconds:0} s ({o.Nodes / o.AliveInterval.TotalSeconds:N0} msg/s). " +
            "A Chromium tab has `/nodes` open (a Blazor circuit) and a hub client streams the whole fleet from `/hubs/fleet`. " +
            "After a few seconds of that, the runner sends the app SIGTERM (`kill(pid, 15)`, what `docker stop` and Kubernetes " +
            "send) and times it until the process has exited; then reads what the app logged from the signal on.");

        var clock = Stopwatch.StartNew();
        await using var broker = await FaultBroker.StartAsync(_artifacts, "sigterm");
        await using var app = await FaultApp.StartAsync(o, broker.Url, _artifacts, "sigterm",
            ["Replay:Enabled=false", "Logging:LogLevel:Microsoft.Hosting.Lifetime=Information", "Logging:LogLevel:ChoriaDashboard.Ingest=Information"]);
        await using var watch = new FleetWatch(app, clock, TimeSpan.FromMilliseconds(50));
        await using var publisher = new Publisher(broker.Url, "choria-loadgen-sigterm");
        await publisher.ConnectAsync();
        await publisher.WindowedAsync(Messages.Startups(o.Nodes), 1, () => watch.Last.State?.Processed ?? 0, 8192, TimeSpan.FromSeconds(20));
        await watch.UntilAsync(s => s.Live == o.Nodes, Long, $"all {o.Nodes:N0} nodes live");

        using var stopLoad = new CancellationTokenSource();
        var load = Task.Run(() => publisher.SteadyAsync(Messages.Alives(o.Nodes), o.AliveInterval, TimeSpan.FromMinutes(10), stopLoad.Token));
        var browser = await BrowserAsync();
        var tab = await browser.OpenAsync();
        await tab.GotoInteractiveAsync(new Uri(app.Address, "nodes").ToString(), "[data-testid=row-count]", TimeSpan.FromSeconds(60));
        await using var hub = await HubClient.StartAsync(new Uri(app.Address, "hubs/fleet"));
        await hub.Snapshot.WaitAsync(TimeSpan.FromSeconds(60));
        var before = (await watch.UntilAsync(_ => true, TimeSpan.FromSeconds(10), "a reading")).State;
        await Task.Delay(TimeSpan.FromSeconds(o.Smoke ? 1 : 3));
        var under = (await watch.UntilAsync(s => s.Accepted > before.Accepted, TimeSpan.FromSeconds(30), "alives flowing")).State;

        var signalled = Stopwatch.StartNew();
        app.Child.Terminate();
        var exitCode = await app.Child.WaitForExitAsync(ShutdownTimeout + TimeSpan.FromSeconds(30));
        var took = signalled.Elapsed;
        await stopLoad.CancelAsync();
        var published = await load;
        await tab.CloseAsync();
        // The app has exited: its hub stream ends with the connection (bounded, should it not notice).
        await Task.WhenAny(hub.Ended, Task.Delay(TimeSpan.FromSeconds(10)));
        var hubEnded = hub.Error is { } error ? $"ended with {error.GetType().Name}" : "open";

        string log;
        await using (var stream = new FileStream(app.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var reader = new StreamReader(stream))
        {
            log = await reader.ReadToEndAsync();
        }

        var stopping = log.IndexOf("Application is shutting down", StringComparison.Ordinal);
        var afterSignal = stopping < 0 ? "" : log[stopping..];
        var closed = afterSignal.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("Closed the connection to the broker", StringComparison.Ordinal));
        var failures = afterSignal.Split('\n').Count(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal));

        section.Figure("load when the signal came", $"{o.Nodes:N0} nodes, {under.Accepted - before.Accepted:N0} alives accepted in the last {(o.Smoke ? 1 : 3)} s; {published:N0} published in all; 1 circuit (Chromium on /nodes), 1 hub client streaming");
        section.Figure("SIGTERM → process exited", $"{took.TotalMilliseconds:0} ms, exit code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none (still running)"}");
        section.Figure("logged from the signal on", stopping < 0 ? "nothing" : $"\"Application is shutting down...\", then \"{closed ?? "(no close line)"}\"; {failures} errors");
        section.Figure("the hub client after the exit", hubEnded);

        section.Check("exit code 0", exitCode == 0, exitCode?.ToString(CultureInfo.InvariantCulture) ?? "still running");
        section.Check($"exited within the host's shutdown timeout ({ShutdownTimeout.TotalSeconds:0} s)", exitCode is not null && took < ShutdownTimeout, $"{took.TotalSeconds:0.00} s");
        section.Check("logged a clean stop: the broker connection closed, no error", stopping >= 0 && closed is not null && failures == 0, closed ?? $"see {Path.GetFileName(app.LogPath)}");
    }
}
