using System.Diagnostics;
using System.Text;
using Microsoft.Playwright;

namespace ChoriaDashboard.LoadGen;

/// <summary>Debian's Chromium through Playwright (its driver ships in the NuGet package; nothing is downloaded).</summary>
internal sealed class Browser : IAsyncDisposable
{
    // The arguments the end-to-end tests use (tests/ChoriaDashboard.EndToEnd/BrowserFixture.cs).
    private static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        // Many tabs in one browser: keep the ones not in front from being throttled, like separate people's screens.
        "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows",
    ];

    private readonly IPlaywright _playwright;
    private readonly string _profile;

    private Browser(IPlaywright playwright, IBrowserContext context, string profile)
    {
        _playwright = playwright;
        Context = context;
        _profile = profile;
    }

    public IBrowserContext Context { get; }

    public static async Task<Browser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var profile = Directory.CreateTempSubdirectory("choria-bench-chromium-").FullName;
        var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new()
        {
            ExecutablePath = Net.FindChromium(),
            Headless = true,
            Args = Args,
            ViewportSize = new() { Width = 1400, Height = 900 },
        });
        return new Browser(playwright, context, profile);
    }

    /// <summary>A new tab whose Blazor websocket traffic is counted.</summary>
    public async Task<WatchedPage> OpenAsync()
    {
        var page = await Context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        return new WatchedPage(page);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Context.CloseAsync();
        }
        catch (PlaywrightException)
        {
        }

        _playwright.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A page plus the bytes its websockets received (Blazor's render batches) and a clock shared with the runner.</summary>
internal sealed class WatchedPage
{
    private long _bytes;
    private long _frames;

    public WatchedPage(IPage page)
    {
        Page = page;
        page.WebSocket += (_, ws) =>
        {
            ws.FrameReceived += (_, frame) =>
            {
                var size = frame.Binary?.Length ?? (frame.Text is null ? 0 : Encoding.UTF8.GetByteCount(frame.Text));
                Interlocked.Add(ref _bytes, size);
                Interlocked.Increment(ref _frames);
            };
        };
    }

    public IPage Page { get; }

    public long BytesReceived => Interlocked.Read(ref _bytes);

    public long FramesReceived => Interlocked.Read(ref _frames);

    /// <summary>
    /// Opens <paramref name="url"/> and waits until the interactive circuit is up: the Blazor websocket has delivered
    /// frames and the row count (or totals) are on the page. Returns the time from the navigation to the first rows.
    /// </summary>
    public async Task<TimeSpan> GotoInteractiveAsync(string url, string readySelector, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        var frames = FramesReceived;
        await Page.GotoAsync(url, new() { WaitUntil = WaitUntilState.Commit, Timeout = (float)timeout.TotalMilliseconds });
        await Page.WaitForSelectorAsync(readySelector, new() { Timeout = (float)timeout.TotalMilliseconds });
        var visible = sw.Elapsed;
        while (FramesReceived < frames + 3)
        {
            if (sw.Elapsed > timeout)
            {
                throw new TimeoutException($"no Blazor circuit traffic on {url} within {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(20);
        }

        return visible;
    }

    /// <summary>
    /// Opens <paramref name="url"/> (a node list) and returns, on the browser's clock from the navigation's start: the
    /// first frame with a node row in it (a MutationObserver notes the row, the next animation frame is when it is
    /// painted), and when the interactive circuit is up (three Blazor websocket frames received). Milliseconds.
    /// </summary>
    /// <exception cref="TimeoutException">No row, or no circuit, within <paramref name="timeout"/>.</exception>
    public async Task<(double FirstRowMs, double InteractiveMs)> FirstRowAsync(string url, TimeSpan timeout)
    {
        await Page.AddInitScriptAsync(FirstRowProbe);
        var frames = FramesReceived;
        var sw = Stopwatch.StartNew();
        await Page.GotoAsync(url, new() { WaitUntil = WaitUntilState.Commit, Timeout = (float)timeout.TotalMilliseconds });
        await Page.WaitForFunctionAsync("() => window.__firstRowPainted !== undefined", null, new() { Timeout = (float)timeout.TotalMilliseconds });
        while (FramesReceived < frames + 3)
        {
            if (sw.Elapsed > timeout)
            {
                throw new TimeoutException($"no Blazor circuit traffic on {url} within {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(5);
        }

        var interactive = await Page.EvaluateAsync<double>("() => performance.now()");
        var painted = await Page.EvaluateAsync<double>("() => window.__firstRowPainted");
        return (painted, interactive);
    }

    private const string FirstRowProbe = """
        (() => {
            let seen = false;
            const check = () => {
                if (!seen && document.querySelector('[data-testid=node-row]')) {
                    seen = true;
                    requestAnimationFrame(() => { window.__firstRowPainted = performance.now(); });
                }
            };
            new MutationObserver(check).observe(document, { childList: true, subtree: true });
        })();
        """;

    public async Task<string> TextAsync(string selector) => (await Page.Locator(selector).First.TextContentAsync())?.Trim() ?? "";

    /// <summary>Polls a selector's text until it satisfies <paramref name="accept"/>; returns the time it took.</summary>
    public async Task<TimeSpan> WaitForTextAsync(string selector, Func<string, bool> accept, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var text = await Page.EvaluateAsync<string?>("s => document.querySelector(s)?.textContent ?? null", selector) ?? "";
            if (accept(text.Trim()))
            {
                return sw.Elapsed;
            }

            if (sw.Elapsed > timeout)
            {
                throw new TimeoutException($"'{selector}' still reads '{text.Trim()}' after {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(5);
        }
    }

    public Task CloseAsync() => Page.CloseAsync();
}

/// <summary>
/// The runner's clock in Unix milliseconds with sub-millisecond resolution, and its offset from a page's
/// <c>performance.timeOrigin + performance.now()</c>, measured over the Playwright round trip.
/// </summary>
internal static class Clock
{
    private static readonly double StartUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    private static readonly long StartTicks = Stopwatch.GetTimestamp();

    public static double NowMs => StartUnixMs + Stopwatch.GetElapsedTime(StartTicks).TotalMilliseconds;

    /// <summary>browser time minus runner time, from the sample with the shortest round trip.</summary>
    public static async Task<(double Offset, double RoundTrip)> OffsetAsync(IPage page, int samples = 15)
    {
        var best = (Offset: 0.0, RoundTrip: double.MaxValue);
        for (var i = 0; i < samples; i++)
        {
            var before = NowMs;
            var browser = await page.EvaluateAsync<double>("() => performance.timeOrigin + performance.now()");
            var after = NowMs;
            if (after - before < best.RoundTrip)
            {
                best = (browser - ((before + after) / 2), after - before);
            }
        }

        return best;
    }
}
