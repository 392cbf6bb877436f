using System.Diagnostics;
using System.Globalization;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.LoadGen;

/// <summary>The phases that drive the broker: the startup storm, alive loads and the ingest ratio.</summary>
internal sealed partial class Measure
{
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
        var publishTime = _o.StormRate is { } rate ? await publisher.PacedAsync(startups, rate) : await publisher.BlastAsync(startups);
        var how = _o.StormRate is { } r ? $"at {r:N0}/s" : "as fast as one client publishes";
        var afterLast = t0.Elapsed;
        await publisher.FlushAsync();
        var seen = await _poller.WaitAsync(r => r.Nodes >= before.Nodes + startups.Length
            || (r.Processed >= before.Processed + startups.Length && r.Dropped + r.FleetFull > before.Dropped + before.FleetFull), Long);
        var allVisible = t0.Elapsed;
        var stormBytes = page.BytesReceived - bytes0;
        var last = await _poller.ReadAsync();
        if (seen is null || last.Nodes < before.Nodes + startups.Length)
        {
            _report.Add(new ResultRow($"storm: {startups.Length:N0} startups {how}, last published → /api/fleet shows all", "< 2 s",
                $"never all shown: {last.Nodes:N0} of {startups.Length:N0} nodes", Verdict.Fail,
                $"the app's NATS client dropped {last.Dropped:N0} (Nats:PendingMessagesLimit overflow); published in {publishTime.TotalSeconds:0.00} s ({Fmt.Rate(startups.Length / publishTime.TotalSeconds)}); all processed {allVisible.TotalSeconds:0.00} s after the first publish"));
        }
        else
        {
            var lag = allVisible - afterLast;
            _report.Add(new ResultRow($"storm: {startups.Length:N0} startups {how}, last published → /api/fleet shows all", "< 2 s",
                Fmt.Ms(lag), lag < TimeSpan.FromSeconds(2) ? Verdict.Pass : Verdict.Fail,
                $"published in {publishTime.TotalSeconds:0.00} s ({Fmt.Rate(startups.Length / publishTime.TotalSeconds)}); first publish → all shown {allVisible.TotalSeconds:0.00} s = {Fmt.Rate(startups.Length / allVisible.TotalSeconds)}; dropped {last.Dropped:N0}"));
        }

        // The browser's view of the storm lasts until its page shows every node: its last coalesced render can come
        // after /api/fleet already does, and counting only up to then missed it (0 bytes when the storm was quick).
        // (When the client dropped some, the page shows what the app holds.)
        var total = Math.Min(before.Nodes + startups.Length, last.Nodes).ToString("N0", CultureInfo.InvariantCulture);
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
        var cpuUsed = cpu.CpuUsed;
        var after = await _poller.ReadAsync();
        var rate = sampler.RateBetween(before.Processed + (mixed.Length / 10), before.Processed + (mixed.Length * 9 / 10));
        var ratio = rate / rawRate;
        var notes = $"app {Fmt.Rate(rate)} / raw {Fmt.Rate(rawRate)}; app CPU {cores:0.00} cores, {cpuUsed.TotalMicroseconds / Math.Max(1, after.Processed - before.Processed):0.0} µs per message (less moved by other load than the rates); accepted {after.Accepted - before.Accepted:N0}, rejected {after.Rejected - before.Rejected:N0} (dropped {after.Dropped - before.Dropped:N0})";
        if (result.Stalled || done is null)
        {
            notes += $"; INCOMPLETE: processed {after.Processed - before.Processed:N0} of {mixed.Length:N0}";
        }

        _report.Add(new ResultRow($"ingest ratio: app sustained rate ÷ raw NATS subscriber ({mixed.Length:N0} mixed msgs)", "≥ 0.5",
            $"{ratio:0.00}", double.IsNaN(ratio) ? Verdict.Error : ratio >= 0.5 ? Verdict.Pass : Verdict.Fail, notes));
    }
}
