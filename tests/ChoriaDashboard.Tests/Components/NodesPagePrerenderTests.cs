using System.Net;
using System.Text.RegularExpressions;
using ChoriaDashboard.Components.Pages;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using ChoriaDashboard.Tests.Integration;
using Xunit;
using Xunit.Abstractions;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Components;

/// <summary>
/// The node list's first screen of rows is in the HTML of a plain GET of <c>/nodes</c> (the prerender), through the real
/// pipeline on a fleet fed through a real nats-server: the rows the page shows first, in its order, filtered by the URL
/// as the page filters, and no more than the first screen (the rest is virtualised once the circuit is up).
/// </summary>
[Collection(NatsCollection.Name)]
public sealed partial class NodesPagePrerenderTests(NatsServerFixture nats, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Nodes = 100;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private DashboardFactory _app = default!;
    private HttpClient _http = default!;

    public async Task InitializeAsync()
    {
        _app = new DashboardFactory(nats.Url, new Dictionary<string, string?> { ["Security:ApiRequestsPerMinute"] = "100000" });
        _http = _app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(_http);
        await using var publisher = new TestPublisher(nats.Url);

        // Published out of order, so an order in the HTML is the page's, not arrival's.
        foreach (var i in Enumerable.Range(1, Nodes).OrderBy(i => (i * 37) % Nodes))
        {
            await publisher.PublishAsync(Startup(Identity(i)), WireFormat.Legacy);
        }

        await publisher.FlushAsync();
        await Eventually.TrueAsync(async () => await TotalAsync() == Nodes, Timeout, $"the {Nodes} nodes to arrive");
        await publisher.PublishAsync(Shutdown(Identity(85)), WireFormat.Legacy);
        await publisher.PublishAsync(Shutdown(Identity(70)), WireFormat.Legacy);
        await publisher.FlushAsync();
        await Eventually.TrueAsync(
            async () => (await _http.GetStringAsync("/api/nodes?state=stopped")).Contains(Identity(85), StringComparison.Ordinal)
                && (await _http.GetStringAsync("/api/nodes?state=stopped")).Contains(Identity(70), StringComparison.Ordinal),
            Timeout,
            "both shutdowns to be applied");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Get_DefaultView_HtmlHoldsTheFirstScreenOfRowsInThePagesOrder()
    {
        var html = await GetPageAsync("/nodes");
        var rows = RowIdentities(html);

        // Trouble first (the two stopped nodes, by identity), then the live ones by identity in natural order.
        string[] expected = [Identity(70), Identity(85), .. Enumerable.Range(1, Nodes).Where(i => i is not 70 and not 85).Select(Identity)];
        Assert.True(
            expected.Take(NodesPage.FirstScreenRows).SequenceEqual(rows),
            $"expected the first {NodesPage.FirstScreenRows} rows in the page's order, got {rows.Count}: {string.Join(", ", rows)}");
        Assert.Contains($"{Nodes} of {Nodes} nodes", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_SortedDescending_HtmlHoldsTheRowsInThatOrder()
    {
        var rows = RowIdentities(await GetPageAsync("/nodes?sort=identity&desc=true"));

        var expected = Enumerable.Range(1, Nodes).Reverse().Take(NodesPage.FirstScreenRows).Select(Identity);
        Assert.True(expected.SequenceEqual(rows), $"expected web-100 down to web-61, got {rows.Count}: {string.Join(", ", rows)}");
    }

    [Fact]
    public async Task Get_WithFilterInUrl_HtmlHoldsOnlyTheMatchingRows()
    {
        var html = await GetPageAsync("/nodes?q=WEB-1&sort=identity");
        var rows = RowIdentities(html);

        // web-1, web-10..web-19, web-100: twelve nodes, fewer than a screen, so all of them.
        string[] expected = [Identity(1), .. Enumerable.Range(10, 10).Select(Identity), Identity(100)];
        Assert.True(expected.SequenceEqual(rows), $"expected {string.Join(", ", expected)}; got {string.Join(", ", rows)}");
        Assert.Contains($"12 of {Nodes} nodes", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_StateFilterInUrl_HtmlHoldsOnlyThatState()
    {
        var rows = RowIdentities(await GetPageAsync("/nodes?state=stopped"));

        Assert.True(rows.SequenceEqual([Identity(70), Identity(85)]), $"expected the two stopped nodes; got {string.Join(", ", rows)}");
    }

    private static string Identity(int i) => $"web-{i}.example.net";

    private async Task<string> GetPageAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: expected 200, got {(int)response.StatusCode}: {html[..Math.Min(html.Length, 2000)]}");
        output.WriteLine($"GET {path}: {html.Length:N0} characters of HTML");
        return html;
    }

    private async Task<int> TotalAsync() =>
        int.Parse(TotalPattern().Match(await _http.GetStringAsync("/api/nodes?limit=1")).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static List<string> RowIdentities(string html) =>
        RowPattern().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();

    [GeneratedRegex("<tr[^>]*data-testid=\"node-row\"[^>]*data-identity=\"([^\"]*)\"")]
    private static partial Regex RowPattern();

    [GeneratedRegex("\"total\":(\\d+)")]
    private static partial Regex TotalPattern();
}
