using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Queries;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class NaturalStringComparerTests
{
    [Theory]
    [InlineData("web-10", "web-2")]
    [InlineData("web-10.example.net", "web-9.example.net")]
    [InlineData("web-2.b", "web-2.a")]
    [InlineData("web-2", "web-02")] // equal as numbers: ordinal decides, so the order is total
    [InlineData("web-100000000000000000000001", "web-99999999999999999999999")] // longer than a long
    [InlineData("web", "10")] // digits before letters, as ordinal
    [InlineData("web-2a", "web-2")]
    [InlineData("web-2", null)]
    public void Compare_LaterSortsAfterEarlier(string? later, string? earlier)
    {
        Assert.True(NaturalStringComparer.Instance.Compare(later, earlier) > 0, $"{later} should sort after {earlier}");
        Assert.True(NaturalStringComparer.Instance.Compare(earlier, later) < 0, $"{earlier} should sort before {later}");
    }

    [Fact]
    public void Order_NumberedHosts_ReadsAsPeopleCount()
    {
        string[] names = ["web-10", "web-2", "db-1", "web-1", "web-20", "web-3"];

        Assert.Equal(["db-1", "web-1", "web-2", "web-3", "web-10", "web-20"], names.Order(NaturalStringComparer.Instance));
    }

    [Fact]
    public void Compare_AnyThreeStrings_IsTransitive()
    {
        string[] names = ["a1", "a01", "a001b", "a1b", "a2", "a10", "a", "b", "1", "01", "", "a1.2", "a1.10"];
        var c = NaturalStringComparer.Instance;
        foreach (var x in names)
        {
            Assert.Equal(0, c.Compare(x, x));
            foreach (var y in names)
            {
                Assert.Equal(Math.Sign(c.Compare(x, y)), -Math.Sign(c.Compare(y, x)));
                foreach (var z in names)
                {
                    if (c.Compare(x, y) < 0 && c.Compare(y, z) < 0)
                    {
                        Assert.True(c.Compare(x, z) < 0, $"{x} < {y} < {z} but not {x} < {z}");
                    }
                }
            }
        }
    }
}
