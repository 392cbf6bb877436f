using System.Diagnostics;
using System.Globalization;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.LoadGen;

/// <summary>Settings of one <c>measure</c> run.</summary>
internal sealed record MeasureOptions
{
    public int Nodes { get; init; } = 100_000;
    public bool Smoke { get; init; }
    public int Browsers { get; init; } = 50;
    public int LatencyTrials { get; init; } = 50;
    public int SteadyNodes { get; init; } = 50_000;
    public TimeSpan SteadyInterval { get; init; } = TimeSpan.FromSeconds(10);
    public int MixedMessages { get; init; } = 300_000;
    public int HistoryRounds { get; init; } = 32;
    public int Window { get; init; } = 32_768;
    /// <summary>How long opening the circuits of one page kind may take; the measurement goes on with those open by then.</summary>
    public TimeSpan OpenBudget { get; init; } = TimeSpan.FromSeconds(150);
    public TimeSpan CpuWindow { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan PacedStorm { get; init; } = TimeSpan.FromSeconds(10);
    public IReadOnlyList<string> CircuitPages { get; init; } = ["/", "/nodes"];
    public required string AppDll { get; init; }
    public required string Environment { get; init; }
    public IReadOnlyList<string> AppSettings { get; init; } = [];
    public IReadOnlyList<string> AppEnvironment { get; init; } = [];

    /// <summary>Phases to run (storm, ingest, render, memory, latency, circuits); empty for all.</summary>
    public IReadOnlyList<string> Only { get; init; } = [];
    public required string Output { get; init; }
    public required string CommandLine { get; init; }
}

/// <summary>
/// The end-to-end benchmark: starts nats-server (loopback, free port), measures a raw subscriber, starts the app's
/// build output and Chromium, and measures the six figures of issue 3 in one run. Every phase is bounded; every process
/// it started is stopped by its PID on the way out.
/// </summary>
internal sealed class Measure
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);
    private readonly MeasureOptions _o;
    private readonly Report _report = new();
    private readonly string _runTag = Guid.NewGuid().ToString("N")[..6];
    private readonly string _artifacts;
    private string _natsUrl = "";
    private Uri _appUri = default!;
    private Child? _app;
    private FleetPoller _poller = default!;

    public Measure(MeasureOptions options)
    {
        _o = options;
        _artifacts = Path.GetDirectoryName(Path.GetFullPath(options.Output))!;
    }

    public async Task<int> RunAsync()
    {
        Directory.CreateDirectory(_artifacts);
        var started = Stopwatch.StartNew();
        Log.Line($"measure: {_o.Nodes:N0} nodes, {_o.Browsers} browsers, {_o.LatencyTrials} latency trials, app {_o.AppDll} ({_o.Environment})");

        Log.Line("encoding messages");
        var mixed = Messages.Mixed(_o.MixedMessages, _o.Nodes);
        var startups = Messages.Startups(_o.Nodes);
        var alives = Messages.Alives(_o.Nodes);
        var steady = Messages.SteadyCycle(Math.Min(_o.SteadyNodes, _o.Nodes));
        Log.Line($"mixed batch: {Messages.Describe(mixed)}");
        Log.Line($"steady cycle: {Messages.Describe(steady)}");

        var natsPort = Net.FreePort();
        _natsUrl = $"nats://127.0.0.1:{natsPort}";
        await using var nats = Child.Start(Net.FindNatsServer(), ["-a", "127.0.0.1", "-p", natsPort.ToString(CultureInfo.InvariantCulture)], null, null, Path.Combine(_artifacts, "nats-server.log"));
        await Net.WaitForPortAsync(natsPort, TimeSpan.FromSeconds(15), nats, "nats-server");

        await using var publisher = new Publisher(_natsUrl);
        await publisher.ConnectAsync();

        double rawRate = double.NaN;
        await Phase("ingest (raw subscriber drain)", async () => rawRate = await RawDrainAsync(publisher, mixed));

        await using (_app = await StartAppAsync())
        await using (_poller = new FleetPoller(_appUri, TimeSpan.FromMilliseconds(10)))
        {
            await using var browser = await Browser.LaunchAsync();
            if (_o.Only.Count > 0 && !_o.Only.Contains("storm"))
            {
                // The later phases expect the fleet: start every node, as fast as the app takes it.
                Log.Line("seeding the fleet (storm phase not selected)");
                await publisher.WindowedAsync(startups, 1, () => _poller.Last.Processed, _o.Window, TimeSpan.FromSeconds(20));
            }

            await Phase("storm", () => StormAsync(publisher, browser, startups, alives));
            await Phase("ingest", () => IngestAsync(publisher, mixed, rawRate));
            await Phase("render", () => FirstRenderAsync(browser));
            await Phase("memory", () => MemoryAsync(publisher, alives));

            using var steadyStop = new CancellationTokenSource();
            await using var steadyPublisher = new Publisher(_natsUrl, "choria-loadgen-steady");
            await steadyPublisher.ConnectAsync();
            var steadyTask = Task.Run(() => steadyPublisher.SteadyAsync(steady, _o.SteadyInterval, TimeSpan.FromMinutes(20), steadyStop.Token));
            Log.Line($"steady load: {Math.Min(_o.SteadyNodes, _o.Nodes):N0} nodes every {_o.SteadyInterval.TotalSeconds:0} s = {steady.Length / _o.SteadyInterval.TotalSeconds:N0} msg/s");
            await Task.Delay(TimeSpan.FromSeconds(_o.Smoke ? 1 : 3));
            await Phase("latency", () => LatencyAsync(publisher, browser));
            await Phase("circuits", () => CircuitsAsync(browser));
            await steadyStop.CancelAsync();
            var steadySent = await steadyTask;
            Log.Line($"steady load stopped after {steadySent:N0} messages");
            var final = await _poller.ReadAsync();
            Log.Line($"app totals: {final.Nodes:N0} nodes, accepted {final.Accepted:N0}, rejected {final.Rejected:N0} (dropped {final.Dropped:N0}, fleet full {final.FleetFull:N0})");
            if (_app.HasExited)
            {
                _report.Add(new ResultRow("app process", "stays up", "exited during the run", Verdict.Error));
            }
        }

        var header = new[]
        {
            $"Run: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {started.Elapsed.TotalMinutes:0.0} min{(_o.Smoke ? ", SMOKE (small N: figures are not the targets' scale)" : "")}",
            $"Machine: {MachineInfo()}",
            $"Command: `{_o.CommandLine}`",
            $"App: `{_o.AppDll}` ({_o.Environment}){(_o.AppSettings.Count > 0 ? ", settings " + string.Join(" ", _o.AppSettings) : "")}{(_o.AppEnvironment.Count > 0 ? ", environment " + string.Join(" ", _o.AppEnvironment) : "")}; {NatsVersion()} on loopback",
            $"Traffic: every node keeps one shape (25 % legacy, 15 % CE binary, 60 % CE structured); mixed batch {Messages.Describe(mixed)}",
        };
        var markdown = _report.ToMarkdown("ChoriaDashboard end-to-end benchmark", header);
        await File.WriteAllTextAsync(_o.Output, markdown);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Log.Line($"written to {_o.Output}");
        return _report.MachineryFailed ? 1 : 0;
    }

    private async Task Phase(string name, Func<Task> run)
    {
        if (_o.Only.Count > 0 && !_o.Only.Contains(name.Split(' ')[0]))
        {
            return;
        }

        Log.Line($"--- {name}");
        try
        {
            if (_app is { HasExited: true })
            {
                throw new InvalidOperationException("the app process has exited");
            }

            await run();
        }
        catch (Exception e)
        {
            Log.Line($"phase {name} failed: {e}");
            _report.Add(new ResultRow(name, "runs", $"{e.GetType().Name}: {e.Message}", Verdict.Error));
        }
    }

    // (1a) The ceiling: a plain subscriber in this process, same messages, same window, before the app exists.
    private async Task<double> RawDrainAsync(Publisher publisher, Msg[] mixed)
    {
        await using var raw = new RawCounter(_natsUrl);
        await raw.StartAsync("choria.>");
        await using var sampler = new RateSampler(() => raw.Count, TimeSpan.FromMilliseconds(5));
        var result = await publisher.WindowedAsync(mixed, 1, () => raw.Count, _o.Window, TimeSpan.FromSeconds(15));
        var sw = Stopwatch.StartNew();
        while (raw.Count < mixed.Length && sw.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(5);
        }

        var rate = sampler.RateBetween(mixed.Length / 10, mixed.Length * 9 / 10);
        Log.Line($"raw subscriber: {raw.Count:N0}/{mixed.Length:N0} in {result.Elapsed.TotalSeconds:0.00} s; sustained {Fmt.Rate(rate)}");
        if (result.Stalled || raw.Count < mixed.Length)
        {
            throw new InvalidOperationException($"the raw subscriber received {raw.Count:N0} of {mixed.Length:N0}");
        }

        return rate;
    }

    private async Task<Child> StartAppAsync()
    {
        var port = Net.FreePort();
        _appUri = new Uri($"http://127.0.0.1:{port}/");
        var args = new List<string>
        {
            _o.AppDll, "--urls", $"http://127.0.0.1:{port}", $"--Nats:Url={_natsUrl}",
            $"--Fleet:MaxNodes={Math.Max(250_000, (_o.Nodes * 2) + 10_000)}",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.AspNetCore=Warning",
        };
        args.AddRange(_o.AppSettings.Select(s => "--" + s));
        var env = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = _o.Environment, ["DOTNET_NOLOGO"] = "1" };
        foreach (var pair in _o.AppEnvironment)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            env[pair[..eq]] = pair[(eq + 1)..];
        }
        var app = Child.Start("dotnet", args, Path.GetDirectoryName(Path.GetFullPath(_o.AppDll)), env, Path.Combine(_artifacts, "app.log"));
        var sw = Stopwatch.StartNew();
        using var http = new HttpClient { BaseAddress = _appUri, Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            if (app.HasExited)
            {
                throw new InvalidOperationException($"the app exited at start; see {Path.Combine(_artifacts, "app.log")}");
            }

            try
            {
                using var ready = await http.GetAsync(new Uri("readyz", UriKind.Relative));
                if (ready.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (sw.Elapsed > TimeSpan.FromSeconds(60))
            {
                await app.DisposeAsync();
                throw new TimeoutException("the app was not ready within 60 s");
            }

            await Task.Delay(50);
        }

        var (rss, _) = ProcStats.Memory(app.Pid);
        Log.Line($"app pid {app.Pid} ready at {_appUri} after {sw.Elapsed.TotalSeconds:0.0} s, RSS {Fmt.MB(rss)}");
        _report.Add(new ResultRow("app idle RSS (connected, no circuits)", "—", Fmt.MB(rss), Verdict.Info, $"ready {sw.Elapsed.TotalSeconds:0.0} s after start"));
        return app;
    }

    // (2) Storm, and (5c) the bytes one browser receives during it and during two alive storms at different rates.
    private async Task StormAsync(Publisher publisher, Browser browser, Msg[] startups, Msg[] alives)
    {
        var page = await browser.OpenAsync();
        await page.GotoInteractiveAsync(new Uri(_appUri, "nodes").ToString(), "[data-testid=row-count]", Long);

        // A measurement window, not a wait for a condition: a quiet second after the page became interactive, so the
        // circuit's start-up traffic is not counted as storm traffic.
        await Task.Delay(1000);

        var before = await _poller.ReadAsync();
        var bytes0 = page.BytesReceived;
        var t0 = Stopwatch.StartNew();
        var publishTime = await publisher.BlastAsync(startups);
        var afterLast = t0.Elapsed;
        await publisher.FlushAsync();
        var seen = await _poller.WaitAsync(r => r.Nodes >= before.Nodes + startups.Length
            || (r.Processed >= before.Processed + startups.Length && r.Dropped + r.FleetFull > before.Dropped + before.FleetFull), Long);
        var allVisible = t0.Elapsed;
        var stormBytes = page.BytesReceived - bytes0;
        var last = await _poller.ReadAsync();
        if (seen is null || last.Nodes < before.Nodes + startups.Length)
        {
            _report.Add(new ResultRow($"storm: {startups.Length:N0} startups, last published → /api/fleet shows all", "< 2 s",
                $"never all shown: {last.Nodes:N0} of {startups.Length:N0} nodes", Verdict.Fail,
                $"the app's NATS client dropped {last.Dropped:N0} (Nats:PendingMessagesLimit overflow); published in {publishTime.TotalSeconds:0.00} s ({Fmt.Rate(startups.Length / publishTime.TotalSeconds)}); all processed {allVisible.TotalSeconds:0.00} s after the first publish"));
        }
        else
        {
            var lag = allVisible - afterLast;
            _report.Add(new ResultRow($"storm: {startups.Length:N0} startups, last published → /api/fleet shows all", "< 2 s",
                Fmt.Ms(lag), lag < TimeSpan.FromSeconds(2) ? Verdict.Pass : Verdict.Fail,
                $"published in {publishTime.TotalSeconds:0.00} s ({Fmt.Rate(startups.Length / publishTime.TotalSeconds)}); first publish → all shown {allVisible.TotalSeconds:0.00} s = {Fmt.Rate(startups.Length / allVisible.TotalSeconds)}; dropped {last.Dropped:N0}"));
        }

        // The browser's view of the storm lasts until its page shows every node: its last coalesced render can come
        // after /api/fleet already does, and counting only up to then missed it (0 bytes when the storm was quick).
        var total = (before.Nodes + startups.Length).ToString("N0", CultureInfo.InvariantCulture);
        await page.WaitForTextAsync("[data-testid=row-count]", t => t.EndsWith($"of {total} nodes", StringComparison.Ordinal), Long);
        var browserDone = t0.Elapsed;
        stormBytes = page.BytesReceived - bytes0;
        var stormRate = stormBytes / browserDone.TotalSeconds;
        Log.Line($"storm: browser received {stormBytes:N0} B in {browserDone.TotalSeconds:0.00} s");

        // Alive traffic at two rates far apart, each for the same time: the bytes a browser gets should not follow the event rate.
        // Quiet gaps between the phases, so one phase's trailing renders are not counted in the next one's bytes.
        await Task.Delay(1500);
        var fast = await AliveLoadAsync(publisher, page, alives, perSecond: null);
        await Task.Delay(1500);
        var slow = await AliveLoadAsync(publisher, page, alives, Math.Max(100, fast.EventsPerSecond / 20));
        var ratio = fast.BytesPerSecond / slow.BytesPerSecond;
        var eventRatio = fast.EventsPerSecond / slow.EventsPerSecond;
        _report.Add(new ResultRow("browser websocket bytes/s during the startup storm (/nodes open)", "—",
            $"{Fmt.N(stormRate / 1024, "N1")} KiB/s", Verdict.Info, $"{Fmt.N(stormBytes / 1024.0, "N0")} KiB over {browserDone.TotalSeconds:0.0} s, from the first publish until the page showed all {total} nodes"));
        _report.Add(new ResultRow($"browser websocket bytes/s vs event rate (alive load, {_o.PacedStorm.TotalSeconds:0} s each, /nodes open)", "independent of rate: ≤ 2× while events differ ≥ 5×",
            $"{Fmt.N(fast.BytesPerSecond / 1024, "N1")} KiB/s at {Fmt.Rate(fast.EventsPerSecond)} vs {Fmt.N(slow.BytesPerSecond / 1024, "N1")} KiB/s at {Fmt.Rate(slow.EventsPerSecond)}: {ratio:0.00}×",
            ratio <= 2 && eventRatio >= 5 ? Verdict.Pass : eventRatio < 5 ? Verdict.Info : Verdict.Fail,
            $"event rates differ {eventRatio:0.0}×"));
        await page.CloseAsync();
    }

    /// <summary>Alives for <see cref="MeasureOptions.PacedStorm"/>: as fast as the app takes them, or at a rate. Bytes and events per second over that time.</summary>
    private async Task<(double BytesPerSecond, double EventsPerSecond)> AliveLoadAsync(Publisher publisher, WatchedPage page, Msg[] alives, double? perSecond)
    {
        var before = await _poller.ReadAsync();
        var bytes0 = page.BytesReceived;
        var sw = Stopwatch.StartNew();
        if (perSecond is { } rate)
        {
            var count = (int)Math.Min(alives.Length, rate * _o.PacedStorm.TotalSeconds);
            await publisher.PacedAsync(alives[..count], rate);
        }
        else
        {
            await publisher.WindowedAsync(alives, int.MaxValue, () => _poller.Last.Processed, _o.Window, TimeSpan.FromSeconds(20), duration: _o.PacedStorm);
        }

        var remaining = _o.PacedStorm - sw.Elapsed;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining);
        }

        var seconds = sw.Elapsed.TotalSeconds;
        var bytes = page.BytesReceived - bytes0;
        var processed = (await _poller.ReadAsync()).Processed - before.Processed;
        Log.Line($"alive load {(perSecond is null ? "as fast as taken" : $"at {perSecond:N0}/s")}: {processed:N0} processed in {seconds:0.00} s, browser got {bytes:N0} B");
        await publisher.FlushAsync();
        await _poller.WaitAsync(r => r.QueueLength == 0, Long);
        return (bytes / seconds, processed / seconds);
    }

    // (1) Ingest ratio: the app's sustained rate on the same mixed batch, over the raw subscriber's.
    private async Task IngestAsync(Publisher publisher, Msg[] mixed, double rawRate)
    {
        var before = await _poller.ReadAsync();
        await using var sampler = new RateSampler(() => _poller.Last.Processed, TimeSpan.FromMilliseconds(5));
        var cpu = new CpuWindow(_app!.Pid);
        var result = await publisher.WindowedAsync(mixed, 1, () => _poller.Last.Processed, _o.Window, TimeSpan.FromSeconds(20));
        var done = await _poller.WaitAsync(r => r.Processed >= before.Processed + mixed.Length, TimeSpan.FromSeconds(30));
        var cores = cpu.Cores;
        var after = await _poller.ReadAsync();
        var rate = sampler.RateBetween(before.Processed + (mixed.Length / 10), before.Processed + (mixed.Length * 9 / 10));
        var ratio = rate / rawRate;
        var notes = $"app {Fmt.Rate(rate)} / raw {Fmt.Rate(rawRate)}; app CPU {cores:0.00} cores; accepted {after.Accepted - before.Accepted:N0}, rejected {after.Rejected - before.Rejected:N0} (dropped {after.Dropped - before.Dropped:N0})";
        if (result.Stalled || done is null)
        {
            notes += $"; INCOMPLETE: processed {after.Processed - before.Processed:N0} of {mixed.Length:N0}";
        }

        _report.Add(new ResultRow($"ingest ratio: app sustained rate ÷ raw NATS subscriber ({mixed.Length:N0} mixed msgs)", "≥ 0.5",
            $"{ratio:0.00}", double.IsNaN(ratio) ? Verdict.Error : ratio >= 0.5 ? Verdict.Pass : Verdict.Fail, notes));
    }

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

    private static string MachineInfo()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var mem = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal));
        var kib = long.Parse(mem.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return $"{System.Environment.ProcessorCount} CPUs ({cpu}), {kib / 1024.0 / 1024.0:0.0} GiB RAM, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {System.Environment.Version}";
    }

    private static string NatsVersion()
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
            return "?";
        }
    }
}
