using ChoriaDashboard.Components;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using MudBlazor;
using Xunit;

namespace ChoriaDashboard.Tests.Components;

public sealed class DisplayFormatTests
{
    [Theory]
    [InlineData(0, "0s ago")]
    [InlineData(1, "1s ago")]
    [InlineData(59, "59s ago")]
    [InlineData(60, "1m ago")]
    [InlineData(119, "1m ago")]
    [InlineData(120, "2m ago")]
    [InlineData((59 * 60) + 59, "59m ago")]
    [InlineData(60 * 60, "1h 0m ago")]
    [InlineData((2 * 3600) + (5 * 60), "2h 5m ago")]
    [InlineData((2 * 3600) + (5 * 60) + 59, "2h 5m ago")]
    [InlineData((47 * 3600) + (59 * 60), "47h 59m ago")]
    [InlineData(48 * 3600, "2d ago")]
    [InlineData(3 * 86400, "3d ago")]
    [InlineData((3 * 86400) + (23 * 3600), "3d ago")]
    [InlineData(400 * 86400, "400d ago")]
    public void Ago_Elapsed_ReadsAsShortRelativeTime(int seconds, string expected)
    {
        Assert.Equal(expected, DisplayFormat.Ago(TimeSpan.FromSeconds(seconds)));
    }

    [Theory]
    [InlineData(999)]
    [InlineData(59_999)]
    public void Ago_FractionsOfASecond_RoundDown(int milliseconds)
    {
        var expected = milliseconds < 1000 ? "0s ago" : "59s ago";

        Assert.Equal(expected, DisplayFormat.Ago(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(-3600)]
    public void Ago_NegativeElapsed_ReadsAsNow(int seconds)
    {
        // A clock slightly ahead of ours must not read "-5s ago".
        Assert.Equal("0s ago", DisplayFormat.Ago(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Ago_MaxValue_DoesNotThrow()
    {
        Assert.EndsWith("d ago", DisplayFormat.Ago(TimeSpan.MaxValue), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0, "0%")]
    [InlineData(0, 10, "0%")]
    [InlineData(10, 10, "100%")]
    [InlineData(1, 2, "50%")]
    [InlineData(1, 3, "33%")]
    [InlineData(2, 3, "67%")]
    [InlineData(1, 100, "1%")]
    [InlineData(1, 200, "0.5%")]
    [InlineData(1, 1000, "0.1%")]
    [InlineData(3, 1000, "0.3%")]
    [InlineData(19, 2000, "1%")]
    [InlineData(99, 100, "99%")]
    [InlineData(1979, 2000, "99%")]
    [InlineData(250_000, 250_000, "100%")]
    [InlineData(125_000, 250_000, "50%")]
    public void Percent_PartOfWhole_ReadsAsRoundedPercent(int part, int whole, string expected)
    {
        Assert.Equal(expected, DisplayFormat.Percent(part, whole));
    }

    [Theory]
    [InlineData(1, 10_000)]
    [InlineData(1, 250_000)]
    [InlineData(1, 10_000_000)]
    public void Percent_TinyButNotZero_NeverReadsAsZero(int part, int whole)
    {
        var text = DisplayFormat.Percent(part, whole);

        Assert.Equal("0.1%", text);
    }

    [Theory]
    [InlineData(999, 1000, "99.9%")]
    [InlineData(9_999, 10_000, "99.9%")]
    [InlineData(249_999, 250_000, "99.9%")]
    [InlineData(995, 1000, "99.5%")]
    [InlineData(989, 1000, "99%")]
    public void Percent_AlmostAll_NeverReadsAsAHundred(int part, int whole, string expected)
    {
        // "100% live" while one node is dead would hide exactly what on-call looks for.
        Assert.Equal(expected, DisplayFormat.Percent(part, whole));
    }

    [Theory]
    [InlineData(3_000_000, 4_000_000, "75%")]
    [InlineData(9_000_000, 10_000_000, "90%")]
    [InlineData(10_000_000, 10_000_000, "100%")]
    public void Percent_FleetsOfMillions_DoNotOverflow(int part, int whole, string expected)
    {
        Assert.Equal(expected, DisplayFormat.Percent(part, whole));
    }

    [Theory]
    [InlineData(NodeState.Live, "live", Color.Success)]
    [InlineData(NodeState.Stale, "stale", Color.Warning)]
    [InlineData(NodeState.Dead, "dead", Color.Error)]
    [InlineData(NodeState.Stopped, "stopped", Color.Default)]
    public void NameOfAndColorOf_State_ReadAsExpected(NodeState state, string name, Color color)
    {
        Assert.Equal(name, DisplayFormat.NameOf(state));
        Assert.Equal(color, DisplayFormat.ColorOf(state));
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(999, "999")]
    [InlineData(250_000, "250,000")]
    public void Number_Value_UsesThousandsSeparators(int value, string expected)
    {
        Assert.Equal(expected, DisplayFormat.Number(value));
    }
}
