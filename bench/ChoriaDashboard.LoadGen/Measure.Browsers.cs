using System.Diagnostics;
using System.Globalization;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.LoadGen;

/// <summary>The phases that watch the app through Chromium and its process: first render, memory, latency and many circuits.</summary>
internal sealed partial class Measure
{
    // (5a, 5b) /nodes with the whole fleet: first render and a filter, in Chromium.
    private async Task FirstRenderAsync(Browser browser)
    {
        var total = (await _poller.ReadAsync()).Nodes;
        using (var http = new HttpClient { BaseAddress = _appUri, Timeout = TimeSpan.FromSeconds(30) })
        {
            var times = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                var sw = Stopwatch.StartNew();
                _ = await http.GetStringAsync(new Uri("nodes", UriKind.Relative));
                times.Add(sw.Elapsed.TotalMilliseconds);
            }

            _report.Add(new ResultRow($"/nodes server prerender at {total:N0} rows (HTTP GET, median of 3)", "—", Fmt.Ms(Stats.Percentile(times, 50)), Verdict.Info));
        }

        var renders = new List<double>();
        WatchedPage? page = null;
        for (var i = 0; i < 3; i++)
        {
            if (page is not null)
            {
                await page.CloseAsync();
            }

            page = await browser.OpenAsync();
            var visible = await page.GotoInteractiveAsync(new Uri(_appUri, "nodes").ToString(), "[data-testid=node-row]", Long);
            renders.Add(visible.TotalMilliseconds);
        }

        var first = renders[0];
        var median = Stats.Percentile(renders, 50);
        _report.Add(new ResultRow($"/nodes first render at {total:N0} rows in Chromium (navigation → rows visible)", "< 1 s",
            $"{Fmt.Ms(median)} median of 3 (first {Fmt.Ms(first)})", median < 1000 ? Verdict.Pass : Verdict.Fail));

        var countText = await page!.TextAsync("[data-testid=row-count]");
        var target = Messages.Identity(Math.Min(12_345, _o.Nodes - 1));
        await page.Page.FillAsync("#filter-search", target);
        var filtered = await page.WaitForTextAsync("[data-testid=row-count]", t => t.StartsWith("1 of", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var viaUrl = Stopwatch.StartNew();
        var other = Messages.Identity(Math.Min(54_321, _o.Nodes - 2));
        await page.Page.EvaluateAsync("u => Blazor.navigateTo(u)", $"/nodes?q={other}");
        await page.WaitForTextAsync("[data-testid=row-count]", t => t.StartsWith("1 of", StringComparison.Ordinal) && page.Page.Url.Contains(other, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var urlTime = viaUrl.Elapsed;
        _report.Add(new ResultRow($"/nodes identity filter at {total:N0} rows (type → 1 row shown)", "—",
            Fmt.Ms(filtered), Verdict.Info, $"includes the search box's 300 ms debounce; via URL (Blazor.navigateTo) {Fmt.Ms(urlTime)}; before: '{countText}'"));
        await page.CloseAsync();
    }

    // (4) Memory: every node with a full history.
    private async Task MemoryAsync(Publisher publisher, Msg[] alives)
    {
        var before = await _poller.ReadAsync();
        var sw = Stopwatch.StartNew();
        var result = await publisher.WindowedAsync(alives, _o.HistoryRounds, () => _poller.Last.Processed, _o.Window, TimeSpan.FromSeconds(20));
        var expected = (long)alives.Length * _o.HistoryRounds;
        var done = await _poller.WaitAsync(r => r.Processed >= before.Processed + expected, TimeSpan.FromSeconds(60));
        var elapsed = sw.Elapsed;
        var (rssBusy, _) = ProcStats.Memory(_app!.Pid);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var (rss, peak) = ProcStats.Memory(_app.Pid);
        var after = await _poller.ReadAsync();
        var notes = $"{after.Nodes:N0} nodes, {expected:N0} alives ({_o.HistoryRounds} per node) in {elapsed.TotalSeconds:0.0} s = {Fmt.Rate(expected / elapsed.TotalSeconds)}; RSS right after {Fmt.MB(rssBusy)}, peak (VmHWM) {Fmt.MB(peak)}";
        if (result.Stalled || done is null)
        {
            notes += $"; INCOMPLETE: processed {after.Processed - before.Processed:N0} of {expected:N0}";
        }

        var scaled = _o.Nodes == 100_000;
        _report.Add(new ResultRow($"app RSS with {after.Nodes:N0} nodes, history full", scaled ? "< 400 MB" : "< 400 MB (at 100,000)",
            Fmt.MB(rss), rss < 400L * 1024 * 1024 ? Verdict.Pass : Verdict.Fail, notes));
    }

    // (3) Publish → visible in an open browser, under steady load.
    private async Task LatencyAsync(Publisher publisher, Browser browser)
    {
        var page = await browser.OpenAsync();
        await page.GotoInteractiveAsync(new Uri(_appUri, $"nodes?q=warmup-{_runTag}").ToString(), "[data-testid=row-count]", Long);

        // Let the just-opened circuit's first renders finish before the first timed trial (a quiet window).
        await Task.Delay(500);
        var (offset, roundTrip) = await Clock.OffsetAsync(page.Page);
        Log.Line($"clock: browser − runner = {offset:0.00} ms (round trip {roundTrip:0.00} ms)");
        var latencies = new List<double>();
        var misses = 0;
        for (var k = 0; k < _o.LatencyTrials; k++)
        {
            var identity = $"lat{k:000}-{_runTag}.bench.example.net";
            await page.Page.EvaluateAsync("u => Blazor.navigateTo(u, { replaceHistoryEntry: true })", $"/nodes?q={identity}");
            await page.Page.WaitForFunctionAsync(
                "id => location.search.includes(id) && (document.querySelector('[data-testid=row-count]')?.textContent ?? '').trim().startsWith('0 of')",
                identity, new() { Timeout = 30_000, PollingInterval = 10 });
            await page.Page.EvaluateAsync(
                """
                id => {
                  window.__seen = null;
                  const sel = `[data-testid=node-row][data-identity="${id}"]`;
                  const check = () => {
                    if (window.__seen === null && document.querySelector(sel)) {
                      window.__seen = performance.timeOrigin + performance.now();
                      observer.disconnect();
                    }
                  };
                  const observer = new MutationObserver(check);
                  observer.observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
                  check();
                }
                """, identity);
            // Spread trials over the render interval, so they do not lock onto the page's update rhythm.
            await Task.Delay(Random.Shared.Next(0, 500));
            var format = (WireFormat)(k % 3);
            var msg = Messages.StartupFor(identity, format);
            var published = Clock.NowMs;
            await publisher.PublishAsync(msg);
            await publisher.FlushAsync();
            double? seen = null;
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < TimeSpan.FromSeconds(10))
            {
                seen = await page.Page.EvaluateAsync<double?>("() => window.__seen");
                if (seen is not null)
                {
                    break;
                }

                await Task.Delay(10);
            }

            if (seen is { } s)
            {
                latencies.Add(s - offset - published);
            }
            else
            {
                misses++;
            }
        }

        await page.CloseAsync();
        var p50 = Stats.Percentile(latencies, 50);
        var p99 = Stats.Percentile(latencies, 99);
        var steadyNodes = Math.Min(_o.SteadyNodes, _o.Nodes);
        _report.Add(new ResultRow($"latency publish → row visible in Chromium, steady {steadyNodes:N0}-node load ({latencies.Count} trials)", "p99 < 500 ms",
            $"p50 {Fmt.Ms(p50)}, p99 {Fmt.Ms(p99)}", misses == 0 && p99 < 500 ? Verdict.Pass : Verdict.Fail,
            $"min {Fmt.Ms(latencies.DefaultIfEmpty(double.NaN).Min())}, max {Fmt.Ms(latencies.DefaultIfEmpty(double.NaN).Max())}; {misses} not seen within 10 s; /nodes?q=<identity> over a {(await _poller.ReadAsync()).Nodes:N0}-node fleet"));
        await File.WriteAllLinesAsync(Path.Combine(_artifacts, "latencies.txt"), latencies.Select(l => l.ToString("0.0", CultureInfo.InvariantCulture)));
    }

    // (6) Many circuits under steady load: server CPU and RSS per circuit.
    private async Task CircuitsAsync(Browser browser)
    {
        var pid = _app!.Pid;
        await Task.Delay(TimeSpan.FromSeconds(2));
        var baseline = new CpuWindow(pid);
        await Task.Delay(_o.CpuWindow);
        var baseCores = baseline.Cores;
        var (baseRss, _) = ProcStats.Memory(pid);
        _report.Add(new ResultRow("server CPU and RSS, steady load, no browser", "—", $"{baseCores * 100:0}% of one core, RSS {Fmt.MB(baseRss)}", Verdict.Info));

        foreach (var path in _o.CircuitPages)
        {
            var pages = new List<WatchedPage>();
            var open = Stopwatch.StartNew();
            try
            {
                var selector = path.StartsWith("/nodes", StringComparison.Ordinal) ? "[data-testid=row-count]" : "[data-testid=totals]";
                for (var i = 0; i < _o.Browsers && open.Elapsed < _o.OpenBudget; i += 5)
                {
                    var batch = new List<Task<WatchedPage>>();
                    for (var j = i; j < Math.Min(_o.Browsers, i + 5); j++)
                    {
                        batch.Add(Task.Run(async () =>
                        {
                            var p = await browser.OpenAsync();
                            try
                            {
                                await p.GotoInteractiveAsync(new Uri(_appUri, path.TrimStart('/')).ToString(), selector, Long);
                            }
                            catch (Exception e) when (e is TimeoutException or Microsoft.Playwright.PlaywrightException)
                            {
                                Log.Line($"a circuit on {path} did not come up: {e.Message}");
                            }

                            return p;
                        }));
                    }

                    pages.AddRange(await Task.WhenAll(batch));
                }

                var opened = open.Elapsed;
                if (pages.Count < _o.Browsers)
                {
                    Log.Line($"only {pages.Count} of {_o.Browsers} circuits on {path} opened within {_o.OpenBudget.TotalSeconds:0} s");
                }

                await Task.Delay(TimeSpan.FromSeconds(3));
                var before = await _poller.ReadAsync();
                var window = new CpuWindow(pid);
                var bytes0 = pages.Sum(p => p.BytesReceived);
                await Task.Delay(_o.CpuWindow);
                var cores = window.Cores;
                var bytes = pages.Sum(p => p.BytesReceived) - bytes0;
                var (rss, _) = ProcStats.Memory(pid);
                var after = await _poller.ReadAsync();
                var perCircuit = (rss - baseRss) / (double)pages.Count;
                _report.Add(new ResultRow($"{pages.Count} circuits on {path}, steady load: server CPU, RSS per circuit", "—",
                    $"{cores * 100:0}% of one core (+{(cores - baseCores) * 100:0} points), {Fmt.MB((long)perCircuit)} per circuit",
                    Verdict.Info,
                    $"{(pages.Count < _o.Browsers ? $"ONLY {pages.Count} of {_o.Browsers} opened within the {_o.OpenBudget.TotalSeconds:0} s budget; " : "")}RSS {Fmt.MB(rss)}; opened in {opened.TotalSeconds:0.0} s; {Fmt.N(bytes / _o.CpuWindow.TotalSeconds / 1024 / pages.Count, "N1")} KiB/s per circuit; ingest: queue {after.QueueLength:N0}, processed +{after.Processed - before.Processed:N0} and dropped +{after.Dropped - before.Dropped:N0} in the {_o.CpuWindow.TotalSeconds:0} s window"));
            }
            finally
            {
                foreach (var p in pages)
                {
                    await p.CloseAsync();
                }

                await Task.Delay(TimeSpan.FromSeconds(3));
            }
        }
    }
}
