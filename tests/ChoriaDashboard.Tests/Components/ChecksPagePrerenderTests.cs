using System.Net;
using System.Text.RegularExpressions;
using ChoriaDashboard.Components;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using ChoriaDashboard.Tests.Integration;
using Xunit;
using Xunit.Abstractions;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Components;

/// <summary>
/// The check list's first screen of rows is in the HTML of a plain GET of <c>/checks</c> (the prerender), through the
/// real pipeline on checks fed through a real nats-server: failing checks first, as the page lists them, filtered by the
/// URL, and no more than the first screen (the rest is virtualised once the circuit is up). Before, the list was empty
/// until the circuit had started and Virtualize had measured it.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed partial class ChecksPagePrerenderTests(NatsServerFixture nats, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Nodes = 60;
    private static readonly int[] Critical = [17, 33, 48];
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private DashboardFactory _app = default!;
    private HttpClient _http = default!;

    public async Task InitializeAsync()
    {
        _app = new DashboardFactory(nats.Url, new Dictionary<string, string?> { ["Security:ApiRequestsPerMinute"] = "100000" });
        _http = _app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(_http);
        await using var publisher = new TestPublisher(nats.Url);
        for (var i = 1; i <= Nodes; i++)
        {
            var code = Critical.Contains(i) ? 2 : 0;
            await publisher.PublishAsync(Nagios(Identity(i), "check_httpd", code, code == 2 ? "PROCS CRITICAL: 0 processes" : "PROCS OK: 3 processes"), WireFormat.CloudEventStructured);
        }

        await publisher.FlushAsync();
        await Eventually.TrueAsync(async () => (await GetPageAsync("/checks")).Contains($"{Nodes} checks", StringComparison.Ordinal), Timeout, $"the {Nodes} checks to arrive");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Get_AllChecks_HtmlHoldsTheFirstScreenFailingFirst()
    {
        var rows = Rows(await GetPageAsync("/checks"));

        Assert.True(rows.Count == FleetComponentBase.FirstScreenRows, $"expected the first {FleetComponentBase.FirstScreenRows} of {Nodes} rows in the HTML, got {rows.Count}");
        Assert.Equal(rows.Count, rows.Distinct().Count());
        Assert.Equal(Critical.Select(Identity).Order(), rows.Take(Critical.Length).Select(r => r.Identity).Order());
        Assert.All(rows.Take(Critical.Length), r => Assert.Equal("critical", r.Health));
        Assert.All(rows.Skip(Critical.Length), r => Assert.Equal("ok", r.Health));
    }

    [Fact]
    public async Task Get_StatusFilterInUrl_HtmlHoldsOnlyThoseChecks()
    {
        var rows = Rows(await GetPageAsync("/checks?status=critical"));

        Assert.Equal(Critical.Select(Identity).Order(), rows.Select(r => r.Identity).Order());
    }

    private static string Identity(int i) => $"web-{i}.example.net";

    private async Task<string> GetPageAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: expected 200, got {(int)response.StatusCode}");
        output.WriteLine($"GET {path}: {html.Length:N0} characters of HTML");
        return html;
    }

    private static List<(string Identity, string Health)> Rows(string html) =>
        [.. RowPattern().Matches(html).Select(m => (WebUtility.HtmlDecode(m.Groups[1].Value), m.Groups[2].Value))];

    [GeneratedRegex("<tr[^>]*data-testid=\"check-row\"[^>]*data-identity=\"([^\"]*)\"[^>]*data-health=\"([^\"]*)\"")]
    private static partial Regex RowPattern();
}
