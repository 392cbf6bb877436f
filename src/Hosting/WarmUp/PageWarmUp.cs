using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting.WarmUp;

/// <summary>
/// The warm-up's step for pages: renders each of <c>Hosting:WarmUp:Paths</c> once through <see cref="WarmUpPipeline"/>
/// (prerendered as a browser's first request is: layout, MudBlazor, the page, its queries), then fetches the stylesheets
/// and scripts the first page links to, as a browser's first visit does.
/// </summary>
public sealed partial class PageWarmUp(WarmUpPipeline pipeline, IOptions<WarmUpOptions> options) : IWarmUpStep
{
    private const int MaxAssets = 16;

    public string Name => "pages";

    /// <summary>What each path answered, in order, after <see cref="RunAsync"/>: path, status code, milliseconds.</summary>
    public IReadOnlyList<(string Path, int Status, double Milliseconds)> Results { get; private set; } = [];

    /// <exception cref="WarmUpException">A page or asset answered something other than 2xx (every other one is still fetched).</exception>
    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var results = new List<(string, int, double)>();
        var assets = new List<string>();
        var paths = options.Value.Paths.Length == 0 ? WarmUpOptions.DefaultPaths : options.Value.Paths;
        foreach (var path in paths)
        {
            var started = Stopwatch.GetTimestamp();
            var (status, html) = await pipeline.GetAsync(path, keepBody: assets.Count == 0, cancellationToken);
            results.Add((path, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
            if (html is not null && status == StatusCodes.Status200OK)
            {
                assets.AddRange(LinkedAssets(html).Take(MaxAssets));
            }
        }

        foreach (var asset in assets)
        {
            var started = Stopwatch.GetTimestamp();
            var (status, _) = await pipeline.GetAsync(asset, keepBody: false, cancellationToken);
            results.Add((asset, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
        }

        Results = results;
        var summary = string.Join(", ", results.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Item1} {r.Item2} in {r.Item3:0} ms")));
        var failed = results.Where(r => r.Item2 is < 200 or > 299).Select(r => $"{r.Item1} answered {r.Item2}").ToList();
        return failed.Count == 0 ? summary : throw new WarmUpException($"{string.Join("; ", failed)} ({summary})");
    }

    /// <summary>
    /// The local stylesheets and scripts a page links to (<c>href</c>/<c>src</c> ending in .css or .js, relative to the
    /// base <c>/</c>), each once, as absolute paths.
    /// </summary>
    internal static IEnumerable<string> LinkedAssets(string html) =>
        AssetLink().Matches(html)
            .Select(m => System.Net.WebUtility.HtmlDecode(m.Groups["url"].Value))
            .Where(u => !u.Contains(':', StringComparison.Ordinal) && !u.StartsWith("//", StringComparison.Ordinal))
            .Select(u => u.StartsWith('/') ? u : "/" + u)
            .Where(WarmUpOptionsValidator.IsPage)
            .Distinct(StringComparer.Ordinal);

    [GeneratedRegex("(?:href|src)=\"(?<url>[^\"#]+\\.(?:css|js)(?:\\?[^\"#]*)?)\"", RegexOptions.IgnoreCase)]
    private static partial Regex AssetLink();
}
