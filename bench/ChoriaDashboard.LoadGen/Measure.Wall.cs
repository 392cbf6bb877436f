namespace ChoriaDashboard.LoadGen;

/// <summary>The wallboard phase: what boards left open cost the server and the network under steady load.</summary>
internal sealed partial class Measure
{
    // (7) Wallboards under steady load: bytes per second each board receives (SignalR render batches) and the
    // server's CPU, over several windows for a median and a spread; RSS before and after, for growth.
    private async Task WallsAsync(Browser browser)
    {
        var pid = _app!.Pid;
        var baseline = new CpuWindow(pid);
        await Task.Delay(_o.CpuWindow);
        var baseCores = baseline.Cores;

        var pages = new List<WatchedPage>();
        try
        {
            var url = new Uri(_appUri, _o.WallPath.TrimStart('/')).ToString();
            for (var i = 0; i < _o.Walls; i++)
            {
                var page = await browser.OpenAsync();
                await page.Page.SetViewportSizeAsync(1920, 1080);
                await page.GotoInteractiveAsync(url, "[data-testid=wall-status]", Long);
                pages.Add(page);
            }

            await Task.Delay(TimeSpan.FromSeconds(5));
            var (rssBefore, _) = ProcStats.Memory(pid);
            var cores = new List<double>();
            var kibPerBoard = new List<double>();
            for (var w = 0; w < _o.WallWindows; w++)
            {
                var window = new CpuWindow(pid);
                var bytes0 = pages.Sum(p => p.BytesReceived);
                await Task.Delay(_o.CpuWindow);
                cores.Add(window.Cores * 100);
                kibPerBoard.Add((pages.Sum(p => p.BytesReceived) - bytes0) / _o.CpuWindow.TotalSeconds / 1024 / pages.Count);
            }

            var (rssAfter, _) = ProcStats.Memory(pid);
            var fleet = await _poller.ReadAsync();
            var status = await pages[0].TextAsync("[data-testid=wall-status]");
            _report.Add(new ResultRow(
                $"{pages.Count} wallboards on {_o.WallPath}, steady load: bytes per second per board",
                "—",
                $"median {Fmt.N(Stats.Percentile(kibPerBoard, 50), "N1")} KiB/s (range {Fmt.N(kibPerBoard.Min(), "N1")}–{Fmt.N(kibPerBoard.Max(), "N1")})",
                Verdict.Info,
                $"{_o.WallWindows} windows of {_o.CpuWindow.TotalSeconds:0} s; SignalR frames received by the browser; {fleet.Nodes:N0}-node fleet, board read \"{status}\""));
            _report.Add(new ResultRow(
                $"{pages.Count} wallboards on {_o.WallPath}, steady load: server CPU",
                "—",
                $"median {Fmt.N(Stats.Percentile(cores, 50), "N0")}% of one core (range {Fmt.N(cores.Min(), "N0")}–{Fmt.N(cores.Max(), "N0")}%), {Fmt.N(baseCores * 100, "N0")}% without boards",
                Verdict.Info,
                $"RSS {Fmt.MB(rssBefore)} after opening, {Fmt.MB(rssAfter)} {_o.WallWindows * _o.CpuWindow.TotalSeconds:0} s later"));
        }
        finally
        {
            foreach (var p in pages)
            {
                await p.CloseAsync();
            }
        }
    }
}
