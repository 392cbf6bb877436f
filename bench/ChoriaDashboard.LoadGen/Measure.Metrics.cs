using System.Diagnostics;

namespace ChoriaDashboard.LoadGen;

/// <summary>The metrics phase: what a Prometheus scrape of <c>/metrics</c> costs at the fleet's size under steady load.</summary>
internal sealed partial class Measure
{
    // (8) /metrics under steady load: the time from request to the last byte and the body's size, over many scrapes
    // (Prometheus scrapes every 15 s or so; this asks back to back, a harder load), and the series it carries.
    private async Task MetricsAsync()
    {
        var scrapes = _o.Smoke ? 20 : 100;
        using var http = new HttpClient { BaseAddress = _appUri, Timeout = TimeSpan.FromSeconds(30) };
        var times = new List<double>();
        var sizes = new List<double>();
        var series = 0;
        for (var i = 0; i < scrapes + 3; i++)
        {
            var sw = Stopwatch.StartNew();
            var body = await http.GetByteArrayAsync(new Uri("metrics", UriKind.Relative));
            var elapsed = sw.Elapsed.TotalMilliseconds;
            if (i < 3)
            {
                // Warm-up: the first scrapes compile the path.
                continue;
            }

            times.Add(elapsed);
            sizes.Add(body.Length);
            series = body.AsSpan().Count((byte)'\n') - System.Text.Encoding.UTF8.GetString(body).Split('\n').Count(l => l.StartsWith('#'));
        }

        var fleet = await _poller.ReadAsync();
        _report.Add(new ResultRow(
            $"/metrics scrape under steady load, {fleet.Nodes:N0}-node fleet: time to last byte",
            "—",
            $"median {Fmt.Ms(Stats.Percentile(times, 50))}, p95 {Fmt.Ms(Stats.Percentile(times, 95))} (range {Fmt.Ms(times.Min())}–{Fmt.Ms(times.Max())})",
            Verdict.Info,
            $"{scrapes} scrapes back to back over loopback after 3 to warm up"));
        _report.Add(new ResultRow(
            $"/metrics scrape under steady load, {fleet.Nodes:N0}-node fleet: body size",
            "—",
            $"{Fmt.N(Stats.Percentile(sizes, 50) / 1024, "N1")} KiB, {series:N0} series lines",
            Verdict.Info,
            "text format 0.0.4, uncompressed; grows with components, versions, machines and watchers, not with nodes"));
    }
}
