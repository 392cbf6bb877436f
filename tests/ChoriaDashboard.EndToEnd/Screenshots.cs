using Microsoft.Playwright;

namespace ChoriaDashboard.EndToEnd;

/// <summary>Screenshots kept as test artifacts in <c>artifacts/screenshots/</c>, to be looked at.</summary>
public static class Screenshots
{
    /// <summary>
    /// Saves the page as it is now in the light and in the dark theme (<c>{name}-light.png</c>, <c>{name}-dark.png</c>),
    /// switched with the app bar's theme switch, then puts the switch back to "system" (the browser profile is shared).
    /// </summary>
    public static async Task SaveAsync(IPage page, string name)
    {
        var dir = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");
        Directory.CreateDirectory(dir);
        await Assertions.Expect(page.GetByTestId("theme-switch")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 20_000 });
        foreach (var theme in new[] { "light", "dark", "system" })
        {
            await page.GetByTestId($"theme-{theme}").ClickAsync();
            await Assertions.Expect(page.GetByTestId($"theme-{theme}")).ToHaveAttributeAsync("aria-pressed", "true");
            if (theme != "system")
            {
                await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", theme);
                await page.ScreenshotAsync(new() { Path = Path.Combine(dir, $"{name}-{theme}.png") });
            }
        }
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
