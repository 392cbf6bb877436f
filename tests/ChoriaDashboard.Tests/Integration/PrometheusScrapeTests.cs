using System.Diagnostics;
using System.Net;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>
/// A real Prometheus scrapes the real app's <c>/metrics</c> with an API key as its configuration can send one
/// (<c>authorization</c>, type Bearer: what Debian's Prometheus 2.42 has), and the PromQL a tally Grafana board uses
/// gives the figures the published fleet implies.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class PrometheusScrapeTests(NatsServerFixture nats)
{
    private const string ApiKey = "metrics-key-0123456789abcdef";
    private const string ShortLived = "shortlived";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static Dictionary<string, string?> Settings(string natsUrl) => new()
    {
        ["Auth:Mode"] = "BrowserToken",
        ["Auth:BrowserToken"] = "browser-token-0123456789abcdef",
        ["Auth:ApiKeys:0:Name"] = "prometheus",
        ["Auth:ApiKeys:0:Key"] = ApiKey,
        ["Metrics:RequireApiKey"] = "true",
        // Only this test's fleet: no history other tests left in the shared broker's streams.
        ["Replay:Enabled"] = "false",
        ["Fleet:StaleAfter"] = "01:00:00",
        ["Fleet:DeadAfter"] = "02:00:00",
        [$"Fleet:Components:{ShortLived}:StaleAfter"] = "00:00:01",
        [$"Fleet:Components:{ShortLived}:DeadAfter"] = "00:00:02",
        [$"Fleet:Components:{ShortLived}:ForgetAfter"] = "01:00:00",
    };

    [Fact]
    public async Task Prometheus_ScrapesWithBearerKey_GrafanaQueriesGiveThePublishedFleet()
    {
        await using var app = new DashboardFactory(nats.Url, Settings(nats.Url), kestrel: true);
        app.StartServer();
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        await using var prometheus = await PrometheusServer.StartAsync(app.ServerAddress, $"""
            authorization:
              type: Bearer
              credentials: {ApiKey}
            """);
        await using var publisher = new TestPublisher(nats.Url);
        var run = Guid.NewGuid().ToString("N")[..6];
        string Server(int i) => Identity(i, $"srv{run}-");
        string Brief(int i) => Identity(i, $"brief{run}-");

        // Ten servers start (six on 0.29.3, four on 0.29.4), three short-lived nodes too, kept alive for now.
        for (var i = 0; i < 10; i++)
        {
            await publisher.PublishAsync(Startup(Server(i), i < 6 ? "0.29.3" : "0.29.4"), WireFormat.CloudEventStructured);
        }

        for (var i = 0; i < 3; i++)
        {
            await publisher.PublishAsync(Startup(Brief(i), "0.29.4", ShortLived), WireFormat.Legacy);
        }

        await publisher.FlushAsync();
        await Eventually.TrueAsync(
            async () =>
            {
                for (var i = 0; i < 3; i++)
                {
                    await publisher.PublishAsync(Alive(Brief(i), "0.29.4", ShortLived), WireFormat.Legacy);
                }

                await publisher.FlushAsync();
                return await Single(prometheus, $"choria_tally_event_types{{component=\"server\",type=\"alive\",active=\"1\"}}") == 0
                    && await Single(prometheus, $"choria_tally_nodes_expired{{component=\"{ShortLived}\",active=\"1\"}}") == 0;
            },
            Timeout,
            "Prometheus to have scraped the servers' alive count and the short-lived nodes' expiries at 0");
        Assert.Equal(("up", ""), await prometheus.TargetAsync());

        // Each server sends three alive events; the short-lived nodes go silent and die.
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 10; i++)
            {
                await publisher.PublishAsync(Alive(Server(i), i < 6 ? "0.29.3" : "0.29.4"), WireFormat.CloudEventBinary);
            }
        }

        await publisher.FlushAsync();
        await Eventually.TrueAsync(
            async () => await Single(prometheus, "choria_tally_event_types{component=\"server\",type=\"alive\",active=\"1\"}") == 30
                && await Single(prometheus, $"choria_tally_nodes_expired{{component=\"{ShortLived}\",active=\"1\"}}") == 3,
            Timeout,
            "Prometheus to have scraped 30 alive events and 3 expired nodes");

        var versions = await prometheus.QueryAsync("sum by (version) (choria_tally_versions{active=\"1\",component=\"server\"})");
        Assert.Equal(
            [("0.29.3", 6.0), ("0.29.4", 4.0)],
            versions.Select(v => (v.Labels["version"], v.Value)).Order().ToArray());

        // Evaluated at the last scrape, where Prometheus extrapolates nothing: from 0 to what was published.
        var at = await LastScrapeAsync(prometheus, "choria_tally_event_types{component=\"server\",type=\"alive\"}");
        var rate = await prometheus.QueryAsync("rate(choria_tally_event_types{type=\"alive\"}[1m])", at);
        Assert.Equal(30.0 / 60, rate.Single(r => r.Labels["component"] == "server").Value, 9);
        at = await LastScrapeAsync(prometheus, $"choria_tally_nodes_expired{{component=\"{ShortLived}\"}}");
        var expired = await prometheus.QueryAsync("increase(choria_tally_nodes_expired[5m])", at);
        Assert.Equal(3.0, expired.Single(r => r.Labels["component"] == ShortLived).Value, 9);
        Assert.Equal(0.0, expired.Single(r => r.Labels["component"] == "server").Value, 9);

        // Without a key the scrape is refused; the dashboard's own families are scraped too.
        using var anonymous = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(1, await Single(prometheus, "choria_dashboard_broker_connected"));
        Assert.Equal(3, await Single(prometheus, $"choria_dashboard_nodes{{component=\"{ShortLived}\",state=\"dead\"}}"));
    }

    [Fact]
    public async Task ScrapeBody_Promtool_FindsOnlyTallysOwnNamesToLint()
    {
        await using var app = new DashboardFactory(nats.Url, new Dictionary<string, string?> { ["Replay:Enabled"] = "false" });
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        await using (var publisher = new TestPublisher(nats.Url))
        {
            await MixedFleet.PublishAsync(publisher, $"lint{Guid.NewGuid().ToString("N")[..6]}-");
        }

        var body = await Eventually.ValueAsync(
            () => http.GetStringAsync(new Uri("/metrics", UriKind.Relative)),
            b => b.Contains("choria_tally_governor{", StringComparison.Ordinal) && b.Contains("choria_tally_machine_transition{", StringComparison.Ordinal),
            Timeout,
            "the scrape to carry the mixed fleet's governor and transition counts");

        var (exit, output) = await PromtoolAsync(body);

        // promtool parses the whole body (a syntax error fails it with exit code 1 and no lint list); its lint names
        // only tally's counters, which keep tally's names without _total so existing boards work.
        var problems = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(exit is 0 or 3, $"promtool check metrics exited {exit}: {output}");
        Assert.All(problems, p => Assert.Matches("^choria_tally_[a-z_]+ counter metrics should have \"_total\" suffix$", p));
        Assert.DoesNotContain(problems, p => p.StartsWith("choria_dashboard_", StringComparison.Ordinal));
    }

    private static async Task<double?> Single(PrometheusServer prometheus, string selector)
    {
        var result = await prometheus.QueryAsync(selector);
        return result.Count == 1 ? result[0].Value : null;
    }

    private static async Task<double> LastScrapeAsync(PrometheusServer prometheus, string selector) =>
        (await prometheus.QueryAsync($"timestamp({selector})")).Single().Value;

    private static async Task<(int Exit, string Output)> PromtoolAsync(string body)
    {
        var info = new ProcessStartInfo(PrometheusServer.FindBinary("promtool"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("check");
        info.ArgumentList.Add("metrics");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(body);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
