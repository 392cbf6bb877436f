using System.Diagnostics;
using System.Text.Json;

namespace ChoriaDashboard.LoadGen;

/// <summary>The JSON API phase: what a page of <c>/api/nodes</c> costs a client on the full fleet under steady load.</summary>
internal sealed partial class Measure
{
    /// <summary>
    /// The pages asked for, each in a loop: the default order (shared with <c>/nodes</c> through the node list cache,
    /// so recomputed only when the list changes), last-seen order (recomputed at every writer batch: a full sort per
    /// batch), a deep page of the most items, and a search that differs every time (never cached: a filter and a sort
    /// of the whole fleet per request).
    /// </summary>
    private (string Name, Func<int, string> Url)[] ApiPages() =>
    [
        ("default order, first page of 100", _ => "api/nodes"),
        ("last-seen order, first page of 100", _ => "api/nodes?sort=lastseen&desc=true"),
        ("identity order, page of 1,000 halfway", _ => $"api/nodes?sort=identity&offset={_o.Nodes / 2}&limit=1000"),
        ("a new search every request (no cache)", i => $"api/nodes?q=node0{i % 100:00}&sort=identity"),
    ];

    // (8) /api/nodes page time under steady load: one client asking in a loop, per page kind; time to the last byte.
    private async Task ApiAsync()
    {
        var requests = _o.Smoke ? 50 : 200;
        using var http = new HttpClient { BaseAddress = _appUri, Timeout = TimeSpan.FromSeconds(30) };
        foreach (var (name, url) in ApiPages())
        {
            // Warm-up: the first request of a kind pays JIT and the first sort.
            using (await http.GetAsync(new Uri(url(0), UriKind.Relative)))
            {
            }

            var window = new CpuWindow(_app!.Pid);
            var times = new List<double>(requests);
            long bytes = 0;
            var total = 0;
            for (var i = 1; i <= requests; i++)
            {
                var sw = Stopwatch.StartNew();
                using var response = await http.GetAsync(new Uri(url(i), UriKind.Relative));
                var body = await response.Content.ReadAsByteArrayAsync();
                sw.Stop();
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"{url(i)} answered {(int)response.StatusCode}");
                }

                times.Add(sw.Elapsed.TotalMilliseconds);
                bytes += body.Length;
                using var page = JsonDocument.Parse(body);
                total = page.RootElement.GetProperty("total").GetInt32();
            }

            var cores = window.Cores;
            var fleet = await _poller.ReadAsync();
            _report.Add(new ResultRow(
                $"/api/nodes, {name}, steady load ({requests} requests, one client)",
                "—",
                $"p50 {Fmt.Ms(Stats.Percentile(times, 50))}, p99 {Fmt.Ms(Stats.Percentile(times, 99))}, max {Fmt.Ms(times.Max())}",
                Verdict.Info,
                $"{fleet.Nodes:N0}-node fleet, {total:N0} matching; {bytes / requests / 1024.0:N1} KiB per answer; server {cores * 100:N0}% of one core meanwhile"));
        }
    }
}
