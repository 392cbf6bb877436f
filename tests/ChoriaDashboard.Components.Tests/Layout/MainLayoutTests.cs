using Bunit;
using ChoriaDashboard.Components.Layout;
using Microsoft.AspNetCore.Components;
using Xunit;

namespace ChoriaDashboard.Components.Tests.Layout;

/// <summary>The layout in a circuit: the app bar and the page, and no theme of its own (the palettes are /theme.css).</summary>
public sealed class MainLayoutTests : DashboardTestContext
{
    public MainLayoutTests()
    {
        AddAuthorization();
    }

    [Fact]
    public void MainLayout_Rendered_CarriesNoThemeStyleInTheCircuit()
    {
        var cut = Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<p id=\"page\">page</p>"))));

        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=theme-switch]").GetAttribute("data-ready")));
        Assert.NotNull(cut.Find("#page"));
        Assert.Empty(cut.FindAll("style"));
        Assert.DoesNotContain("--mud-palette-", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void MainLayout_RememberedDark_ShowsDarkPressed()
    {
        JSInterop.Setup<string?>("choriaTheme.get").SetResult("dark");

        var cut = Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(_ => { })));

        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=theme-dark]").GetAttribute("aria-pressed")));
        Assert.Equal("dark", cut.Find("[data-testid=theme-dark]").GetAttribute("data-theme-choice"));
    }
}
