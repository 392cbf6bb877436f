using Microsoft.Playwright;

namespace ChoriaDashboard.EndToEnd;

/// <summary>Saves full-HD screenshots of pages to <c>artifacts/screenshots/&lt;page&gt;-&lt;theme&gt;.png</c> at the repository root, to be looked at.</summary>
public static class Screenshots
{
    public static async Task SaveAsync(IPage page, string name, string theme = "dark")
    {
        var dir = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, $"{name}-{theme}.png") });
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ChoriaDashboard.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
