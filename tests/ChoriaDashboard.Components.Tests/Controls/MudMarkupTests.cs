using Bunit;
using ChoriaDashboard.Components.Controls;
using MudBlazor;
using Xunit;

namespace ChoriaDashboard.Components.Tests.Controls;

/// <summary>
/// Plain markup that must look exactly like MudBlazor's: each class list is compared with what the MudBlazor component
/// itself renders in the installed version, so an upgrade that renames a class fails here rather than on a screen.
/// </summary>
public sealed class MudMarkupTests : DashboardTestContext
{
    public static TheoryData<Typo, Color> Texts => new()
    {
        { Typo.h3, Color.Success },
        { Typo.h6, Color.Default },
        { Typo.body2, Color.Default },
        { Typo.overline, Color.Error },
        { Typo.caption, Color.Inherit },
        { Typo.overline, Color.Warning },
    };

    public static TheoryData<Color, Variant, Size> ChipLooks => new()
    {
        { Color.Success, Variant.Text, Size.Small },
        { Color.Warning, Variant.Outlined, Size.Small },
        { Color.Default, Variant.Outlined, Size.Small },
        { Color.Error, Variant.Filled, Size.Small },
        { Color.Info, Variant.Text, Size.Medium },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Text_SameClassesAsMudText(Typo typo, Color color)
    {
        var mud = Render<MudText>(p => p.Add(t => t.Typo, typo).Add(t => t.Color, color).Add(t => t.Class, "count"));

        Assert.Equal(Classes(mud.Find(".mud-typography").ClassName), Classes(MudMarkup.Text(typo, color, "count")));
    }

    [Theory]
    [MemberData(nameof(ChipLooks))]
    public void Chip_SameClassesAsMudChip(Color color, Variant variant, Size size)
    {
        var mud = Render<MudChip<string>>(p => p.Add(c => c.Color, color).Add(c => c.Variant, variant).Add(c => c.Size, size).Add(c => c.Class, "state-chip"));

        Assert.Equal(Classes(mud.Find(".mud-chip").ClassName), Classes(MudMarkup.Chip(color, variant, size, "state-chip")));
    }

    [Theory]
    [InlineData(Variant.Text, Color.Inherit)]
    [InlineData(Variant.Outlined, Color.Inherit)]
    [InlineData(Variant.Filled, Color.Primary)]
    public void Button_SameClassesAsMudButton(Variant variant, Color color)
    {
        var mud = Render<MudButton>(p => p.Add(b => b.Variant, variant).Add(b => b.Color, color).Add(b => b.Class, "x"));

        Assert.Equal(Classes(mud.Find("button").ClassName), Classes(MudMarkup.Button(variant, color, extra: "x")));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Paper_SameClassesAsMudPaper(int elevation)
    {
        var mud = Render<MudPaper>(p => p.Add(c => c.Elevation, elevation).Add(c => c.Class, "pa-3 total-card"));

        Assert.Equal(Classes(mud.Find(".mud-paper").ClassName), Classes(MudMarkup.Paper(elevation, "pa-3 total-card")));
    }

    [Theory]
    [InlineData(Color.Error, Size.Small)]
    [InlineData(Color.Default, Size.Medium)]
    public void Icon_SameClassesAndPathAsMudIcon(Color color, Size size)
    {
        var mud = Render<MudIcon>(p => p.Add(i => i.Icon, Icons.Material.Filled.Check).Add(i => i.Color, color).Add(i => i.Size, size));
        var plain = Render(b => b.AddContent(0, MudMarkup.Icon(Icons.Material.Filled.Check, color, size)));

        var (mine, theirs) = (plain.Find("svg"), mud.Find("svg"));
        Assert.Equal(Classes(theirs.ClassName), Classes(mine.ClassName));
        Assert.Equal(theirs.GetAttribute("viewBox"), mine.GetAttribute("viewBox"));
        Assert.Equal("true", mine.GetAttribute("aria-hidden"));
        Assert.Equal(theirs.InnerHtml.Replace("<!--!-->", "", StringComparison.Ordinal).Trim(), mine.InnerHtml.Trim());
    }

    /// <summary>A class list as a set: the order MudBlazor writes them in does not matter to the browser.</summary>
    private static SortedSet<string> Classes(string? classes) =>
        new((classes ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
}
