using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ChoriaDashboard.Api;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace ChoriaDashboard.EndToEnd;

/// <summary>
/// The wallboard with a full fleet (<see cref="LargeWallFleet"/>: 250,000 nodes, 20 components, six-digit counts) at
/// 1080p and 4K, dark and light: every count and label fits its cell (no overflow, inside its card, clear of its
/// neighbours), the counts of a row are one size, and they read the real numbers of <c>/api/fleet</c>.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WallBoardLargeFleetTests(BrowserFixture browser, LargeWallFleet fleet, ITestOutputHelper output) : IClassFixture<LargeWallFleet>
{
    private static readonly LocatorAssertionsToContainTextOptions Within20s = new() { Timeout = 20_000 };

    public static TheoryData<int, int, string> Screens => new()
    {
        { 1920, 1080, "dark" },
        { 1920, 1080, "light" },
        { 3840, 2160, "dark" },
        { 3840, 2160, "light" },
    };

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task Wall_FullFleetOf20Components_EveryCountAndLabelFitsItsCard(int width, int height, string theme)
    {
        output.WriteLine($"fleet of {LargeWallFleet.Nodes:N0} nodes and {LargeWallFleet.Checks:N0} checks in and judged in {fleet.SeedTime.TotalSeconds:0.0} s (queued in {fleet.QueueTime.TotalSeconds:0.0} s)");
        using var http = fleet.App.CreateClient();
        var api = (await http.GetFromJsonAsync<FleetResponse>("/api/fleet", LargeWallFleet.FleetJson))!;
        Assert.True(api.Totals == LargeWallFleet.Expected, $"expected the planned fleet {LargeWallFleet.Expected}, /api/fleet says {api.Totals}");
        var byName = api.Components.ToDictionary(c => c.Component);
        Assert.Equal(20, byName.Count);

        // Four components a screen (the overview's page), so each of the 20 tiles is measured; then the other views.
        // Each screen with the components its link chooses (none: all), whose dead and stale the status band adds up.
        var names = LargeWallFleet.Components.Select(c => c.Name).ToArray();
        var screens = new List<(string Name, string[] Shown, string Query)>();
        for (var g = 0; g < 5; g++)
        {
            var four = names.Skip(g * 4).Take(4).ToArray();
            screens.Add(($"overview-{g + 1}", four, "components=" + string.Join(",", four)));
        }

        if (theme == "light")
        {
            // The themes share one layout: light is measured on the four kinds of screen, dark on all 20 tiles too.
            screens.Clear();
        }

        screens.Add(("overview", names, ""));
        screens.Add(("component", ["server"], "views=component&components=server"));
        screens.Add(("problems", names, "views=problems"));
        screens.Add(("checks", names, "views=checks"));

        var page = await browser.Context.NewPageAsync();
        try
        {
            await page.SetViewportSizeAsync(width, height);
            var tilesSeen = new HashSet<string>();
            foreach (var (name, shown, query) in screens)
            {
                var started = System.Diagnostics.Stopwatch.StartNew();
                var where = $"{name}, {theme}, {width}x{height}";
                await page.GotoAsync(new Uri(fleet.App.ServerAddress, $"/wall?theme={theme}&{query}").ToString());
                await Assertions.Expect(page.GetByTestId("wall-status")).ToContainTextAsync("DEAD", Within20s);

                var board = await MeasureAsync(page);
                var layout = await WallBoardTests.MeasureAsync(page);
                if (name is "overview" or "component" or "problems" or "checks")
                {
                    await page.ScreenshotAsync(new() { Path = WallBoardTests.Screenshot($"wall-large-{name}-{theme}-{width}x{height}.png") });
                }

                Assert.True(layout.ScrollHeight <= layout.ClientHeight && layout.ScrollWidth <= layout.ClientWidth, $"{where}: scroll bars ({layout.ScrollWidth}x{layout.ScrollHeight} in {layout.ClientWidth}x{layout.ClientHeight})");
                Assert.True(layout.Clipped.Length == 0, $"{where}: outside the screen: {string.Join("; ", layout.Clipped)}");
                Assert.True(board.Problems.Length == 0, $"{where}: {board.Problems.Length} counts or labels do not fit:\n  {string.Join("\n  ", board.Problems)}");
                Assert.True(board.Counts.Length > 0, $"{where}: no counts on the board");
                foreach (var group in board.Counts.GroupBy(c => c.Group))
                {
                    // One size (to the subpixel rounding of cells a grid splits equally), and large enough for the room.
                    var (smallest, largest) = (group.Min(c => c.FontSize), group.Max(c => c.FontSize));
                    Assert.True(largest - smallest <= 0.01 * largest, $"{where}: the counts of one row are not one size (one column shrunk against another): {string.Join(", ", group.Select(c => $"{c.TestId} {c.Text} at {c.FontSize}px"))}");
                    Assert.True(smallest >= 0.05 * height, $"{where}: the counts {string.Join(", ", group.Select(c => c.Text))} are {smallest}px high, under 5% of {height}px: not readable across a room");
                }

                switch (name)
                {
                    case "component":
                        AssertCounts(where, board.Counts, byName["server"]);
                        break;
                    case "overview":
                        // 20 components, four a page: the page is said in the header, clear of the tiles (measured above).
                        await Assertions.Expect(page.GetByTestId("wall-slide").GetByTestId("tiles-page")).ToContainTextAsync("components page 1 / 5");
                        goto default;
                    case "problems":
                        AssertShows(where, board.Counts, "total-dead", api.Totals.Dead);
                        AssertShows(where, board.Counts, "total-stale", api.Totals.Stale);
                        break;
                    case "checks":
                        AssertShows(where, board.Counts, "health-ok", api.Health.Ok);
                        AssertShows(where, board.Counts, "health-warning", api.Health.Warning);
                        AssertShows(where, board.Counts, "health-critical", api.Health.Critical);
                        AssertShows(where, board.Counts, "health-unknown", api.Health.Unknown);
                        break;
                    default:
                        foreach (var tile in board.Counts.GroupBy(c => c.Component))
                        {
                            Assert.True(tile.Key is not null && byName.ContainsKey(tile.Key), $"{where}: a tile of \"{tile.Key}\", which /api/fleet does not list");
                            AssertCounts(where, [.. tile], byName[tile.Key!]);
                            tilesSeen.Add(tile.Key!);
                        }

                        break;
                }

                var status = (await page.GetByTestId("wall-status").TextContentAsync())?.Trim();
                var expected = $"{N(shown.Sum(c => byName[c].Dead))} DEAD · {N(shown.Sum(c => byName[c].Stale))} STALE";
                Assert.True(expected == status, $"{where}: the status band should read \"{expected}\" (/api/fleet's dead and stale of {string.Join(", ", shown)}); it reads \"{status}\"");
                output.WriteLine($"{where}: {board.Counts.Length} counts measured in {started.Elapsed.TotalSeconds:0.0} s, at {board.Counts.Min(c => c.FontSize):0.#} px");
            }

            // Dark: every one of the 20 tiles; light: the overview's first page of them.
            Assert.True(
                theme == "light" ? tilesSeen.Count == Components.Wall.WallPage.OverviewTiles : tilesSeen.SetEquals(names),
                $"expected tiles of {(theme == "light" ? "one overview page" : "all 20 components")}; measured {string.Join(", ", tilesSeen.Order())}");
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    private static void AssertCounts(string where, IReadOnlyList<Count> counts, ComponentResponse expected)
    {
        AssertShows(where, counts, "count-live", expected.Live, expected.Component);
        AssertShows(where, counts, "count-stale", expected.Stale, expected.Component);
        AssertShows(where, counts, "count-dead", expected.Dead, expected.Component);
        AssertShows(where, counts, "count-stopped", expected.Stopped, expected.Component);
    }

    private static void AssertShows(string where, IReadOnlyList<Count> counts, string testId, int expected, string? component = null)
    {
        var shown = counts.Where(c => c.TestId == testId).Select(c => c.Text).ToArray();
        Assert.True(
            shown.Length == 1 && shown[0] == N(expected),
            $"{where}: {component ?? "the board"} {testId} should read {N(expected)} as /api/fleet says; the board shows [{string.Join(", ", shown)}]");
    }

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>
    /// Measures each count and each label: its box overflows (scrollWidth over clientWidth); its text (a Range over its
    /// contents, wider than the box when it spills) is not inside its card's content box, runs sideways out of its cell
    /// (a count), or crosses a neighbour (the other cells of its row of counts and what is above or below the row; the
    /// other parts of a tile's head or the header).
    /// </summary>
    private const string Script = """
        () => {
            const problems = [], counts = [];
            const ink = el => { const r = document.createRange(); r.selectNodeContents(el); return r.getBoundingClientRect(); };
            const inner = el => {
                const r = el.getBoundingClientRect(), s = getComputedStyle(el);
                return { left: r.left + parseFloat(s.paddingLeft) + parseFloat(s.borderLeftWidth), right: r.right - parseFloat(s.paddingRight) - parseFloat(s.borderRightWidth),
                         top: r.top + parseFloat(s.borderTopWidth), bottom: r.bottom - parseFloat(s.borderBottomWidth) };
            };
            const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
            const crosses = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
            const px = r => `${Math.round(r.left)}..${Math.round(r.right)} x ${Math.round(r.top)}..${Math.round(r.bottom)}`;
            const describe = el => {
                const tile = el.closest('[data-testid=wall-tile]');
                return (tile ? tile.dataset.component + ' ' : '') + (el.closest('[data-testid]')?.dataset.testid || '') + ' ' + el.className + ' "' + el.textContent.trim().slice(0, 60) + '"';
            };
            // A count's card is its tile or panel; the checks and problems views show theirs on the board itself.
            const cardOf = el => el.closest('.wall-tile, .wall-panel') || el.closest('.wall-header, .wall-main');
            const check = (el, neighbours) => {
                const text = ink(el);
                if (el.scrollWidth > el.clientWidth) problems.push(`${describe(el)}: overflows (scrollWidth ${el.scrollWidth} > clientWidth ${el.clientWidth})`);
                const card = cardOf(el);
                if (card && !inside(text, inner(card))) problems.push(`${describe(el)}: text ${px(text)} outside its card ${px(inner(card))}`);
                for (const n of neighbours) {
                    if (n !== el && crosses(text, n.getBoundingClientRect())) problems.push(`${describe(el)}: text ${px(text)} crosses its neighbour ${describe(n)} ${px(n.getBoundingClientRect())}`);
                }
            };
            document.querySelectorAll('.wall-counts').forEach((row, group) => {
                const cells = [...row.querySelectorAll(':scope > .wall-count')];
                const around = [...row.parentElement.children].filter(c => c !== row);
                for (const cell of cells) {
                    const others = cells.filter(c => c !== cell).concat(around);
                    for (const part of cell.querySelectorAll('.wall-count-value, .wall-count-label')) {
                        check(part, others);
                        const text = ink(part), box = cell.getBoundingClientRect();
                        if (text.left < box.left - 0.5 || text.right > box.right + 0.5) problems.push(`${describe(part)}: text ${px(text)} runs out of its cell ${px(box)}`);
                    }
                    const value = cell.querySelector('.wall-count-value');
                    counts.push({ group, testId: cell.dataset.testid, text: value.textContent.trim(), fontSize: parseFloat(getComputedStyle(value).fontSize),
                                  component: cell.closest('[data-testid=wall-tile]')?.dataset.component ?? null });
                }
            });
            for (const head of document.querySelectorAll('.wall-tile-head, .wall-header')) {
                const parts = [...head.children];
                for (const part of parts) check(part, parts);
            }
            for (const el of document.querySelectorAll('.wall-tile-name, .wall-tile-versions, .wall-panel-title, .wall-title-text, [data-testid=wall-status], [data-testid=wall-clock], [data-testid=wall-age]')) check(el, []);
            return { problems: [...new Set(problems)], counts };
        }
        """;

    private static async Task<Board> MeasureAsync(IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement>(Script);
        return json.Deserialize<Board>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    private sealed record Board(string[] Problems, Count[] Counts);

    private sealed record Count(int Group, string TestId, string Text, double FontSize, string? Component);
}
