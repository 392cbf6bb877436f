using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Queries;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.EndToEnd;

/// <summary>
/// The node list's first screen of rows as someone opening <c>/nodes</c> sees it: the rows are there at first paint (the
/// prerendered HTML), the circuit taking over neither blanks nor repeats them, and sorting and scrolling past the first
/// screen still work once it is interactive.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NodesFirstScreenTests(BrowserFixture browser, NatsServerFixture nats, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Nodes = 90;

    /// <summary>The rows the page draws as plain markup (NodesPage.FirstScreenRows, internal to the app).</summary>
    private const int FirstScreenRows = 40;

    /// <summary>
    /// Runs before the page's own scripts: records the rows after every change of the document (a MutationObserver runs
    /// before the browser paints), so a blank or doubled list between two renders is caught even if it lasts one frame.
    /// </summary>
    private const string RecordRows = """
        window.__rowStates = [];
        const record = () => {
            const ids = Array.from(document.querySelectorAll('[data-testid=node-row]'), r => r.dataset.identity);
            const last = window.__rowStates[window.__rowStates.length - 1];
            const parsed = document.readyState !== 'loading';
            const key = parsed + ids.join('|');
            if (!last || last.key !== key) {
                window.__rowStates.push({ key, count: ids.length, distinct: new Set(ids).size, parsed });
            }
        };
        new MutationObserver(record).observe(document, { childList: true, subtree: true });
        document.addEventListener('DOMContentLoaded', record);
        """;

    private static readonly LocatorAssertionsToHaveCountOptions Wait = new() { Timeout = 20_000 };
    private DashboardFactory _app = default!;
    private IPage _page = default!;

    public async Task InitializeAsync()
    {
        _app = new DashboardFactory(nats.Url, kestrel: true);
        _app.StartServer();
        using var http = _app.CreateClient();
        await Eventually.TrueAsync(async () => (await http.GetAsync("/readyz")).IsSuccessStatusCode, TimeSpan.FromSeconds(20), "the app to be ready");
        await using var publisher = new TestPublisher(nats.Url);
        foreach (var i in Enumerable.Range(1, Nodes).OrderBy(i => (i * 31) % Nodes))
        {
            await publisher.PublishAsync(Startup(Identity(i)), WireFormat.Legacy);
        }

        await publisher.FlushAsync();
        await Eventually.TrueAsync(
            async () => (await http.GetStringAsync("/api/nodes?limit=1")).Contains($"\"total\":{Nodes}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20),
            $"the {Nodes} nodes to arrive");
        _page = await browser.Context.NewPageAsync();
        await _page.SetViewportSizeAsync(1400, 900);
        await _page.AddInitScriptAsync(RecordRows);
    }

    public async Task DisposeAsync()
    {
        await _page.CloseAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task OpenNodes_CircuitTakesOver_RowsNeitherBlankNorRepeat()
    {
        var lists = _app.Services.GetRequiredService<NodeListCache>();
        var computedBefore = lists.Computed;

        await _page.GotoAsync(Url("/nodes?sort=identity"));
        await WaitInteractiveAsync();
        var computed = lists.Computed - computedBefore;

        var states = await RowStatesAsync();
        output.WriteLine($"row states from the first parse to interactive: {string.Join(" → ", states.Select(s => $"{s.Count} ({s.Distinct} distinct)"))}");
        // From the end of the HTML (the prerender) on; while the parser is still inside the table, part of it is there.
        var parsed = states.Where(s => s.Parsed).ToList();
        Assert.True(parsed.Count > 0, $"expected a state after the HTML was parsed; got {Describe(states)}");
        Assert.True(
            parsed.All(s => s.Count == FirstScreenRows && s.Distinct == s.Count),
            $"expected {FirstScreenRows} distinct rows from the end of the HTML to interactive, in every state the page went through; got {Describe(states)}");
        Assert.Equal(Enumerable.Range(1, FirstScreenRows).Select(Identity), await IdentitiesAsync());

        // The circuit takes the list the prerender computed (same query, same fleet revision): one sort, not two.
        Assert.True(computed == 1, $"expected the node list computed once for the prerender and the circuit together; it was computed {computed} times");
    }

    [Fact]
    public async Task OpenNodes_Interactive_SortAndScrollPastTheFirstScreenStillWork()
    {
        await _page.GotoAsync(Url("/nodes?sort=identity"));
        await WaitInteractiveAsync();

        await _page.GetByRole(AriaRole.Link, new() { Name = "Identity ▲" }).ClickAsync();

        await Assertions.Expect(_page).ToHaveURLAsync(Url("/nodes?sort=identity&desc=true"));
        await Assertions.Expect(_page.GetByTestId("node-row").First).ToHaveAttributeAsync("data-identity", Identity(Nodes), new() { Timeout = 20_000 });
        var sorted = await IdentitiesAsync();
        Assert.True(
            Enumerable.Range(1, Nodes).Reverse().Take(FirstScreenRows).Select(Identity).SequenceEqual(sorted),
            $"expected web-{Nodes} down to web-{Nodes - FirstScreenRows + 1} after sorting descending; got {string.Join(", ", sorted)}");

        // Past the plain first screen, Virtualize draws the rest: the last node appears, and no row appears twice.
        await _page.GetByTestId("node-list").EvaluateAsync("list => list.scrollTop = list.scrollHeight");
        await Assertions.Expect(_page.Locator($"[data-identity='{Identity(1)}']")).ToHaveCountAsync(1, Wait);
        var all = await IdentitiesAsync();
        Assert.True(all.Length == all.Distinct().Count(), $"expected no row twice after scrolling; got {string.Join(", ", all)}");
    }

    private static string Identity(int i) => $"web-{i}.example.net";

    private string Url(string path) => new Uri(_app.ServerAddress, path).ToString();

    /// <summary>The circuit runs once the layout's theme switch has read the remembered choice over it.</summary>
    private async Task WaitInteractiveAsync() =>
        await Assertions.Expect(_page.GetByTestId("theme-switch")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 20_000 });

    private async Task<string[]> IdentitiesAsync() =>
        await _page.GetByTestId("node-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.identity)");

    private async Task<List<RowState>> RowStatesAsync()
    {
        var json = await _page.EvaluateAsync<string>("() => JSON.stringify(window.__rowStates)");
        return JsonSerializer.Deserialize<List<RowState>>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    private static string Describe(List<RowState> states) =>
        string.Join(" → ", states.Select(s => $"{s.Count} rows ({s.Distinct} distinct{(s.Parsed ? "" : ", HTML still loading")})"));

    private sealed record RowState(string Key, int Count, int Distinct, bool Parsed);
}
