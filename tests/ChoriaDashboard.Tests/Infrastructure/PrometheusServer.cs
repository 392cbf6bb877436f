using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace ChoriaDashboard.Tests.Infrastructure;

/// <summary>
/// A real Prometheus server (Debian's <c>prometheus</c>) on 127.0.0.1 and a free port, scraping one target every
/// second with a temporary configuration and storage, and its HTTP query API. Fails loudly, naming the package, when
/// the binary is missing: tests never skip silently.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public static string FindBinary(string name = "prometheus") =>
        new[] { $"/usr/bin/{name}", $"/usr/local/bin/{name}" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} is not installed, and the metrics tests need a real one. Run scripts/test.sh (it installs it), or: sudo apt-get install -y prometheus");

    /// <summary>Starts Prometheus scraping <paramref name="target"/>'s <c>/metrics</c>; <paramref name="scrapeSettings"/> are added to the scrape job as YAML lines (e.g. an <c>authorization</c> block).</summary>
    public static async Task<PrometheusServer> StartAsync(Uri target, string scrapeSettings = "")
    {
        var port = NatsServerFixture.FreePort();
        var dir = Directory.CreateTempSubdirectory("choria-dashboard-prometheus-").FullName;
        var config = Path.Combine(dir, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: dashboard
                metrics_path: /metrics
                static_configs:
                  - targets: ['{target.Authority}']
            {Indent(scrapeSettings)}
            """);
        var info = new ProcessStartInfo(FindBinary())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(dir, "data")}", $"--web.listen-address=127.0.0.1:{port}" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start prometheus");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, dir, port);
        await Eventually.TrueAsync(
            async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"prometheus exited with code {process.ExitCode}");
                }

                try
                {
                    using var ready = await server._http.GetAsync(new Uri("/-/ready", UriKind.Relative));
                    return ready.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(30),
            $"prometheus to be ready on port {port}");
        return server;
    }

    /// <summary>The scrape target's health (<c>up</c>, <c>down</c>, <c>unknown</c>) and last error, as <c>/api/v1/targets</c> says.</summary>
    public async Task<(string Health, string Error)> TargetAsync()
    {
        var body = await _http.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/targets", UriKind.Relative));
        var target = body.GetProperty("data").GetProperty("activeTargets").EnumerateArray().FirstOrDefault();
        return target.ValueKind == JsonValueKind.Undefined
            ? ("unknown", "")
            : (target.GetProperty("health").GetString()!, target.GetProperty("lastError").GetString()!);
    }

    /// <summary>
    /// An instant PromQL query, at <paramref name="time"/> (Unix seconds) or now: each series' labels and value, and
    /// the time it was evaluated at.
    /// </summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string promql, double? time = null)
    {
        var query = $"/api/v1/query?query={Uri.EscapeDataString(promql)}" + (time is { } t ? $"&time={t.ToString("0.###", CultureInfo.InvariantCulture)}" : "");
        var body = await _http.GetFromJsonAsync<JsonElement>(new Uri(query, UriKind.Relative));
        if (body.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"the query {promql} failed: {body}");
        }

        return [.. body.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => (
            (IReadOnlyDictionary<string, string>)r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))];
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Indent(string yaml) =>
        string.Join('\n', yaml.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "    " + l));
}
