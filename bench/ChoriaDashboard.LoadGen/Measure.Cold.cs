using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ChoriaDashboard.LoadGen;

/// <summary>A build of the app that the cold phase starts: a name for the report and the path of its ChoriaDashboard.dll.</summary>
internal sealed record ColdApp(string Name, string Dll)
{
    /// <summary>Parses <c>name=path/to/ChoriaDashboard.dll</c>.</summary>
    /// <exception cref="ArgumentException">No <c>=</c>, an empty name, or no such file.</exception>
    public static ColdApp Parse(string value)
    {
        var eq = value.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new ArgumentException($"--cold-app wants name=path/to/ChoriaDashboard.dll, not '{value}'");
        }

        var dll = Path.GetFullPath(value[(eq + 1)..]);
        if (!File.Exists(dll))
        {
            throw new ArgumentException($"--cold-app {value[..eq]}: no such file {dll}");
        }

        return new ColdApp(value[..eq], dll);
    }
}

internal sealed partial class Measure
{
    // (issue 23) The first request after a start, and the warm first row, for each build named with --cold-app, in one
    // run, interleaved run by run so the machine's other load falls on every build alike. Each first request is the first
    // of its process: one start is timed with a plain HTTP GET, another with Chromium. The fleet is published after
    // /readyz answers and before the first page request, so the page has 100,000 rows; nothing but /api/fleet (the
    // poller that watches the fleet fill) was asked of the app before.
    private async Task ColdAsync(Msg[] startups)
    {
        var apps = _o.ColdApps.Count > 0 ? _o.ColdApps : [new ColdApp("this build", _o.AppDll)];
        var natsPort = Net.FreePort();
        var natsUrl = $"nats://127.0.0.1:{natsPort}";

        // A broker of its own: the fleet published to each cold app must not also land on the main app.
        await using var nats = Child.Start(Net.FindNatsServer(), ["-a", "127.0.0.1", "-p", natsPort.ToString(CultureInfo.InvariantCulture)], null, null, Path.Combine(_artifacts, "nats-server-cold.log"));
        await Net.WaitForPortAsync(natsPort, TimeSpan.FromSeconds(15), nats, "nats-server (cold)");
        await using var publisher = new Publisher(natsUrl, "choria-loadgen-cold");
        await publisher.ConnectAsync();

        var figures = apps.ToDictionary(a => a.Name, _ => new ColdFigures());
        for (var run = 1; run <= _o.ColdRuns; run++)
        {
            foreach (var app in apps)
            {
                var f = figures[app.Name];
                await using (var started = await StartColdAsync(app, natsUrl, publisher, startups, f))
                {
                    using var http = new HttpClient { BaseAddress = started.Uri, Timeout = Long };
                    var (ttfb, whole, rows) = await GetNodesAsync(http);
                    f.ColdTtfb.Add(ttfb);
                    f.ColdHtml.Add(whole);
                    f.HtmlRows = rows;
                    for (var i = 0; i < 5; i++)
                    {
                        f.WarmTtfb.Add((await GetNodesAsync(http)).Ttfb);
                    }
                }

                await using (var started = await StartColdAsync(app, natsUrl, publisher, startups, f))
                await using (var browser = await Browser.LaunchAsync())
                {
                    var url = new Uri(started.Uri, "nodes").ToString();
                    var page = await browser.OpenAsync();
                    var cold = await page.FirstRowAsync(url, Long);
                    f.ColdFirstRow.Add(cold.FirstRowMs);
                    f.ColdInteractive.Add(cold.InteractiveMs);
                    await page.CloseAsync();
                    for (var i = 0; i < 5; i++)
                    {
                        page = await browser.OpenAsync();
                        var warm = await page.FirstRowAsync(url, Long);
                        f.WarmFirstRow.Add(warm.FirstRowMs);
                        f.WarmInteractive.Add(warm.InteractiveMs);
                        await page.CloseAsync();
                    }
                }

                Log.Line($"cold run {run}/{_o.ColdRuns} {app.Name}: ready {f.Ready[^1]:0} ms, first GET /nodes TTFB {f.ColdTtfb[^1]:0} ms, "
                    + $"first browser row {f.ColdFirstRow[^1]:0} ms, warm rows {string.Join(" ", f.WarmFirstRow.TakeLast(5).Select(v => v.ToString("0", CultureInfo.InvariantCulture)))} ms");
            }
        }

        foreach (var app in apps)
        {
            var f = figures[app.Name];
            var tag = $"{app.Name}: ";
            var size = PublishSize(app.Dll);
            _report.Add(new ResultRow($"{tag}/nodes warm first row in Chromium (navigation start → row painted)", "< 300 ms",
                Spread(f.WarmFirstRow), Stats.Percentile(f.WarmFirstRow, 50) < 300 ? Verdict.Pass : Verdict.Fail,
                $"{f.WarmFirstRow.Count} tabs; circuit up (interactive) {Spread(f.WarmInteractive)}; {f.HtmlRows} rows in the HTML"));
            _report.Add(new ResultRow($"{tag}/nodes first request after /readyz, in Chromium (navigation start → row painted)", "< 1 s",
                Spread(f.ColdFirstRow), Stats.Percentile(f.ColdFirstRow, 50) < 1000 ? Verdict.Pass : Verdict.Fail,
                $"{f.ColdFirstRow.Count} starts; circuit up {Spread(f.ColdInteractive)}"));
            _report.Add(new ResultRow($"{tag}/nodes first request after /readyz, HTTP GET time to first byte", "—", Spread(f.ColdTtfb), Verdict.Info,
                $"whole HTML {Spread(f.ColdHtml)}; warm TTFB {Spread(f.WarmTtfb)}"));
            _report.Add(new ResultRow($"{tag}process start → /readyz answers", "—", Spread(f.Ready), Verdict.Info,
                $"{f.Ready.Count} starts; publish folder {size / 1024.0 / 1024.0:0.0} MB"));
        }
    }

    private static string Spread(List<double> values) => values.Count == 0
        ? "—"
        : $"{Fmt.Ms(Stats.Percentile(values, 50))} median (min {Fmt.Ms(values.Min())}, max {Fmt.Ms(values.Max())})";

    private static long PublishSize(string dll) =>
        new DirectoryInfo(Path.GetDirectoryName(dll)!).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    private static async Task<(double Ttfb, double Whole, int Rows)> GetNodesAsync(HttpClient http)
    {
        var sw = Stopwatch.StartNew();
        using var response = await http.GetAsync(new Uri("nodes", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        var ttfb = sw.Elapsed.TotalMilliseconds;
        response.EnsureSuccessStatusCode();
        var html = await response.Content.ReadAsStringAsync();
        return (ttfb, sw.Elapsed.TotalMilliseconds, NodeRow().Count(html));
    }

    /// <summary>Starts <paramref name="app"/> on the cold phase's broker, times it to /readyz, then fills its fleet.</summary>
    private async Task<ColdStart> StartColdAsync(ColdApp app, string natsUrl, Publisher publisher, Msg[] startups, ColdFigures figures)
    {
        var (child, uri, ready) = await LaunchAppAsync(app.Dll, natsUrl, $"app-cold-{Slug().Replace(app.Name, "-")}.log", TimeSpan.FromMilliseconds(5));
        figures.Ready.Add(ready.TotalMilliseconds);
        try
        {
            await using var poller = new FleetPoller(uri, TimeSpan.FromMilliseconds(20));
            var sent = await publisher.WindowedAsync(startups, 1, () => poller.Last.Processed, _o.Window, TimeSpan.FromSeconds(20));
            if (sent.Stalled || await poller.WaitAsync(r => r.Nodes >= startups.Length, TimeSpan.FromSeconds(60)) is null)
            {
                throw new InvalidOperationException($"{app.Name}: the fleet did not fill ({poller.Last.Nodes:N0} of {startups.Length:N0} nodes)");
            }
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }

        // Let the ingest's last batch and its collections settle, so the page request is not timed against them.
        await Task.Delay(TimeSpan.FromSeconds(1));
        return new ColdStart(child, uri);
    }

    [GeneratedRegex("data-testid=\"node-row\"")]
    private static partial Regex NodeRow();

    [GeneratedRegex("[^A-Za-z0-9]+")]
    private static partial Regex Slug();

    private sealed class ColdFigures
    {
        public List<double> Ready { get; } = [];
        public List<double> ColdTtfb { get; } = [];
        public List<double> ColdHtml { get; } = [];
        public List<double> WarmTtfb { get; } = [];
        public List<double> ColdFirstRow { get; } = [];
        public List<double> ColdInteractive { get; } = [];
        public List<double> WarmFirstRow { get; } = [];
        public List<double> WarmInteractive { get; } = [];
        public int HtmlRows { get; set; }
    }

    private sealed record ColdStart(Child App, Uri Uri) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }
}
