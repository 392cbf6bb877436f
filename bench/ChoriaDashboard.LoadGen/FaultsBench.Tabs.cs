using System.Diagnostics;
using System.Globalization;

namespace ChoriaDashboard.LoadGen;

/// <summary>Fault 5: browser tabs opened and closed in rounds, in real Chromium: nothing they held may stay behind.</summary>
internal sealed partial class FaultsBench
{
    /// <summary>The pages tabs open, in turn, each with what shows it is up.</summary>
    private static readonly (string Path, string Ready)[] TabPages =
    [
        ("", "[data-testid=totals]"),
        ("nodes", "[data-testid=row-count]"),
        ("checks", "[data-testid=check-count]"),
        ("events", "[data-testid=tail-counts]"),
        ("wall", "[data-testid=wall]"),
    ];

    /// <summary>Tabs opened at once: two cores serve the app, nats-server and Chromium.</summary>
    private const int OpenTogether = 5;

    /// <summary>Blazor's default <c>CircuitOptions.DisconnectedCircuitRetentionPeriod</c>, which the app does not change.</summary>
    private static readonly TimeSpan CircuitRetention = TimeSpan.FromMinutes(3);

    /// <summary>How long after the counts are back the RSS is read: the server's own clean-up after a circuit ends.</summary>
    private TimeSpan RssSettle => TimeSpan.FromSeconds(o.Smoke ? 2 : 5);

    private async Task TabsAsync(FaultSection section)
    {
        var nodes = Math.Min(o.Nodes, 2_000);
        section.Test = "`FleetSubscriptionsTests.FleetSubscriptions_ReaderAndHubClientComeAndGo_ApiAndMetricsCountThemAndReturnToBaseline` (the count in `/api/fleet` and `/metrics`, a reader and a hub client coming and going)";
        section.Done(
            $"A fleet of {nodes:N0} nodes and no load beyond it: what is measured is what tabs leave behind (with alives every 30 s, " +
            "a hundred tabs did not all come up within 2 minutes on this shared 2-core machine: 80 Chromium renderers and other " +
            $"builds took the cores, the app about a fifth of one). {o.Rounds} rounds: {o.Tabs} Chromium tabs open ({OpenTogether} at a " +
            $"time), in turn on {string.Join(", ", TabPages.Select(p => "/" + p.Path))}, each until its page shows data over a live " +
            "circuit; then each tab goes to `about:blank` (the page unloads, and Blazor's script tells the server the circuit " +
            $"is gone) and closes. A tab closed without unloading would keep its circuit for the retention period " +
            $"({CircuitRetention.TotalMinutes:0} min); the runner waits up to that long and says how long it took. Before, with the " +
            "tabs open, and after each round: the fleet subscriptions (`stream.subscriptions` in `/api/fleet`), open circuits " +
            $"(`choria_dashboard_open_circuits`), hub connections, and the app's RSS, {RssSettle.TotalSeconds:0} s after the counts are back.");

        var clock = Stopwatch.StartNew();
        await using var broker = await FaultBroker.StartAsync(_artifacts, "tabs");
        await using var app = await FaultApp.StartAsync(o, broker.Url, _artifacts, "tabs", ["Replay:Enabled=false"]);
        await using var watch = new FleetWatch(app, clock, TimeSpan.FromMilliseconds(250));
        await using var publisher = new Publisher(broker.Url, "choria-loadgen-tabs");
        await publisher.ConnectAsync();
        await publisher.WindowedAsync(Messages.Startups(nodes), 1, () => watch.Last.State?.Processed ?? 0, 8192, TimeSpan.FromSeconds(20));
        await watch.UntilAsync(s => s.Live == nodes, Long, $"all {nodes:N0} nodes live");

        var browser = await BrowserAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var baseline = await CountsAsync(app);
        section.Figure("before any tab: fleet subscriptions, open circuits, RSS", $"{baseline.Subscriptions}, {baseline.Circuits:0}, {Fmt.MB(app.Memory.Rss)}");

        var after = new List<long>();
        var allBack = true;
        var failedToOpen = 0;
        for (var round = 1; round <= o.Rounds; round++)
        {
            var opening = Stopwatch.StartNew();
            var tabs = new List<WatchedPage>();
            for (var i = 0; i < o.Tabs; i += OpenTogether)
            {
                var batch = Enumerable.Range(i, Math.Min(OpenTogether, o.Tabs - i)).Select(async k =>
                {
                    var tab = await browser.OpenAsync();
                    var (path, ready) = TabPages[k % TabPages.Length];
                    try
                    {
                        await tab.GotoInteractiveAsync(new Uri(app.Address, path).ToString(), ready, TimeSpan.FromSeconds(120));
                    }
                    catch (Exception e) when (e is TimeoutException or Microsoft.Playwright.PlaywrightException)
                    {
                        Interlocked.Increment(ref failedToOpen);
                        Log.Line($"round {round}: a tab on /{path} did not come up: {e.Message}");
                    }

                    return tab;
                });
                tabs.AddRange(await Task.WhenAll(batch));
                if (tabs.Count % 20 == 0)
                {
                    Log.Line($"round {round}: {tabs.Count} tabs open after {opening.Elapsed.TotalSeconds:0} s");
                }
            }

            var opened = opening.Elapsed;
            await Task.Delay(TimeSpan.FromSeconds(2));
            var open = await CountsAsync(app);
            var openRss = app.Memory.Rss;

            var closing = Stopwatch.StartNew();
            foreach (var chunk in tabs.Chunk(10))
            {
                await Task.WhenAll(chunk.Select(async tab =>
                {
                    // Unloading the page is what tells the server (Blazor's script sends the disconnect on pagehide).
                    await tab.Page.GotoAsync("about:blank");
                    await tab.CloseAsync();
                }));
            }

            var closed = closing.Elapsed;
            var backWithin = await UntilCountsAsync(app, c => c.Subscriptions == baseline.Subscriptions && c.Circuits == baseline.Circuits && c.HubClients == baseline.HubClients, CircuitRetention + TimeSpan.FromMinutes(1));
            var back = await CountsAsync(app);
            allBack &= backWithin is not null;
            await Task.Delay(RssSettle);
            var rss = app.Memory.Rss;
            after.Add(rss);
            section.Figure($"round {round}: {o.Tabs} tabs opened in, closed in", $"{opened.TotalSeconds:0.0} s, {closed.TotalSeconds:0.0} s");
            section.Figure($"round {round}: with the tabs open: fleet subscriptions, open circuits, RSS", $"{open.Subscriptions} (+{open.Subscriptions - baseline.Subscriptions}, {(open.Subscriptions - baseline.Subscriptions) / (double)o.Tabs:0.0} per tab), {open.Circuits:0}, {Fmt.MB(openRss)}");
            section.Figure($"round {round}: after closing: back to the baseline in; counts; RSS", $"{(backWithin is { } w ? $"{w.TotalSeconds:0.0} s" : "NOT within the retention period")}; {back.Subscriptions} subscriptions, {back.Circuits:0} circuits; {Fmt.MB(rss)}");
        }

        var errors = await ErrorsLoggedAsync(app.LogPath);
        var growth = after.Count >= 2 ? (after[1] - after[0]) / (double)after[0] : 0;
        section.Figure("RSS after round 2 against after round 1", after.Count >= 2 ? $"{Fmt.MB(after[1])} against {Fmt.MB(after[0])}: {growth * 100:+0.0;-0.0} %" : "one round only");

        section.Check("every tab came up", failedToOpen == 0, $"{failedToOpen} of {o.Tabs * o.Rounds} did not");
        section.Check("no leaked subscription: fleet subscriptions, circuits and hub connections back to the baseline after each round", allBack, allBack ? $"{baseline.Subscriptions} subscriptions, {baseline.Circuits:0} circuits after each round" : "not back within the retention period");
        section.Check("no error logged by the app while tabs came and went", errors.Count == 0, errors.Count == 0 ? "none" : string.Join("; ", errors.Distinct().Take(3)));
        section.Check("RSS after the second round within 10 % of after the first", after.Count < 2 || Math.Abs(growth) <= 0.10, after.Count >= 2 ? $"{growth * 100:+0.0;-0.0} %" : "one round only");
    }

    /// <summary>The first line of each error (or critical) entry in the app's log so far.</summary>
    private static async Task<List<string>> ErrorsLoggedAsync(string logPath)
    {
        await using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = (await reader.ReadToEndAsync()).Split('\n');
        return [.. lines.Select((line, i) => (line, i))
            .Where(x => x.line.StartsWith("fail:", StringComparison.Ordinal) || x.line.StartsWith("crit:", StringComparison.Ordinal))
            .Select(x => $"{x.line.Trim()} {(x.i + 1 < lines.Length ? lines[x.i + 1].Trim() : "")}")];
    }

    private static async Task<(int Subscriptions, double Circuits, double HubClients)> CountsAsync(FaultApp app) =>
        ((await app.FleetAsync()).Subscriptions, await app.MetricAsync("choria_dashboard_open_circuits"), await app.MetricAsync("choria_dashboard_hub_clients"));

    private static async Task<TimeSpan?> UntilCountsAsync(FaultApp app, Func<(int Subscriptions, double Circuits, double HubClients), bool> condition, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (condition(await CountsAsync(app)))
            {
                return sw.Elapsed;
            }

            await Task.Delay(100);
        }

        return null;
    }
}
