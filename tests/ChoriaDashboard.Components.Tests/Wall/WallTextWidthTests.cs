using ChoriaDashboard.Components.Wall;
using Xunit;

namespace ChoriaDashboard.Components.Tests.Wall;

/// <summary>The widths in em the board's stylesheet sizes its large text by.</summary>
public sealed class WallTextWidthTests
{
    [Theory]
    [InlineData(0, 2.16)]
    [InlineData(7, 2.16)]
    [InlineData(999, 2.16)]
    [InlineData(1_000, 3.28)]
    [InlineData(99_999, 4)]
    [InlineData(250_000, 4.72)]
    [InlineData(1_000_000, 5.84)]
    public void WidestCount_OneCount_ItsWidthAsWrittenAndNeverUnderThreeDigits(int count, double em) =>
        Assert.Equal(em, WallTextWidth.WidestCount([count]), 6);

    [Fact]
    public void WidestCount_SixDigitAmongSmall_TheWholeRowSizedForTheSixDigits() =>
        Assert.Equal(WallTextWidth.Em("111,360"), WallTextWidth.WidestCount([111_360, 4_321, 3_210, 2_109]), 6);

    [Fact]
    public void WidestCount_NoCounts_ThreeDigits() =>
        Assert.Equal(WallTextWidth.MinimumCount, WallTextWidth.WidestCount([]), 6);

    [Fact]
    public void Em_StatusBandWords_CapitalsSpacesSeparatorsAndLetterSpacing()
    {
        // "1,234 DEAD": 4 digits, a separator, a space, 4 capitals; 10 characters of 0.05 em spacing.
        var expected = 4 * WallTextWidth.Digit + WallTextWidth.Separator + WallTextWidth.Space + 4 * WallTextWidth.Capital + 10 * 0.05;

        Assert.Equal(expected, WallTextWidth.Em("1,234 DEAD", 0.05), 6);
    }

    [Theory]
    [InlineData(4.72, "4.72")]
    [InlineData(4.0, "4")]
    [InlineData(10.5, "10.5")]
    public void Css_Width_PlainNumberWithAFullStop(double em, string css) => Assert.Equal(css, WallTextWidth.Css(em));
}
