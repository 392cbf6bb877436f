using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace ChoriaDashboard.EndToEnd;

/// <summary>
/// Watches a page for what a Content-Security-Policy refused or a script broke: every <c>securitypolicyviolation</c>
/// event of every document it loads (recorded before the document's own scripts run), console errors and "Refused to"
/// lines, and uncaught page errors.
/// </summary>
internal sealed class PolicyWatch
{
    /// <summary>Runs in every document before its own scripts: keeps each violation the page reports.</summary>
    private const string ViolationRecorder = """
        window.__cspViolations = [];
        document.addEventListener("securitypolicyviolation", e => window.__cspViolations.push(
            `${e.effectiveDirective} blocked ${e.blockedURI || "(inline)"} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`));
        """;

    private readonly IPage _page;
    private readonly ConcurrentQueue<string> _console = new();

    private PolicyWatch(IPage page) => _page = page;

    /// <summary>Console errors, "Refused to" lines and page errors seen so far.</summary>
    public IReadOnlyCollection<string> Console => _console;

    /// <summary>Starts watching <paramref name="page"/>; call before it loads anything.</summary>
    public static async Task<PolicyWatch> AttachAsync(IPage page)
    {
        var watch = new PolicyWatch(page);
        await page.AddInitScriptAsync(ViolationRecorder);
        page.Console += (_, message) =>
        {
            if (message.Type == "error" || message.Text.Contains("Refused to", StringComparison.Ordinal))
            {
                watch._console.Enqueue(message.Text);
            }
        };
        page.PageError += (_, error) => watch._console.Enqueue("page error: " + error);
        return watch;
    }

    /// <summary>The violations the current document reported.</summary>
    public Task<string[]> ViolationsAsync() => _page.EvaluateAsync<string[]>("() => window.__cspViolations");
}
