using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Queries;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>The version order the overview and node list show: Semver, read leniently, and total for any string.</summary>
public sealed class VersionComparerTests
{
    [Theory]
    [InlineData("0.29.10", "0.29.9")] // numbers, not text
    [InlineData("0.30.0", "0.29.99")]
    [InlineData("1.0.0", "0.99.99")]
    [InlineData("0.29.4", "0.29.4-rc1")] // a release after its pre-releases
    [InlineData("0.29.4-rc2", "0.29.4-rc1")]
    [InlineData("0.29.4-rc9", "0.29.4-rc10")] // Semver: alphanumeric identifiers compare as text (the spec's rule) …
    [InlineData("0.29.4-rc.10", "0.29.4-rc.9")] // … and dotted numeric ones as numbers
    [InlineData("v0.30", "0.29.4")] // a leading v and a missing patch read leniently
    [InlineData("0.29.1", "v0.29")]
    [InlineData("0.29.4", "garbage")] // anything Semver can read after anything it cannot
    [InlineData("0.29.4", "0.29.4.1")] // four parts are not a semantic version
    [InlineData("0.29.4", "")]
    [InlineData("zzz", "aaa")] // unreadable strings among themselves: ordinal
    [InlineData("garbage", "")]
    [InlineData("", null)] // nothing known first of all
    [InlineData("0.29.4", null)]
    [InlineData("0.29.4+build2", "0.29.4+build1")] // build metadata breaks ties only
    [InlineData("0.29.4", "0.29.04")] // the same version written two ways: ordered by text, never equal
    public void Compare_Table_LaterSortsAfterEarlier(string? later, string? earlier)
    {
        Assert.True(VersionComparer.Instance.Compare(later, earlier) > 0, $"{later} should sort after {earlier}");
        Assert.True(VersionComparer.Instance.Compare(earlier, later) < 0, $"{earlier} should sort before {later}");
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("0.29.4", "0.29.4")]
    [InlineData("garbage", "garbage")]
    public void Compare_SameString_ReturnsZero(string? x, string? y)
    {
        Assert.Equal(0, VersionComparer.Instance.Compare(x, y));
    }

    [Fact]
    public void Newest_MixOfReleasesPreReleasesAndOddStrings_IsTheHighestSemanticVersion()
    {
        Assert.Equal("0.29.10", VersionComparer.Newest(["0.29.9", "0.29.10-rc1", "garbage", "0.29.10", "v0.29", "", "0.3.0"]));
        Assert.Equal("zz", VersionComparer.Newest(["aa", "zz", ""])); // nothing readable: the ordinal last
        Assert.Null(VersionComparer.Newest([]));
    }

    [Theory]
    [InlineData(false, "0.29.10")] // releases first: the release candidate above is not the newest
    [InlineData(true, "0.30.0-rc.1")]
    public void NewestActive_ReleasesBesideAHigherPreRelease_ReleaseUnlessPreReleasesAllowed(bool preReleaseNewest, string newest)
    {
        Assert.Equal(newest, VersionComparer.NewestActive(["0.29.9", "0.30.0-rc.1", "garbage", "0.29.10", "0.29.11-rc.2"], preReleaseNewest));
    }

    [Fact]
    public void NewestActive_NoReleaseAmongThem_HighestPreReleaseOrElseTheOrdinalLast()
    {
        Assert.Equal("0.30.0-rc.2", VersionComparer.NewestActive(["0.30.0-rc.1", "garbage", "0.30.0-rc.2"], preReleaseNewest: false));
        Assert.Equal("zz", VersionComparer.NewestActive(["aa", "zz"], preReleaseNewest: false));
        Assert.Equal("0.29.4+build.7", VersionComparer.NewestActive(["0.29.4+build.7", "0.29.3"], preReleaseNewest: false)); // build metadata is still a release
        Assert.Null(VersionComparer.NewestActive([], preReleaseNewest: false));
    }

    [Theory]
    [InlineData("0.29.3", true)]
    [InlineData("0.29.4-rc.1", true)]
    [InlineData("garbage", true)]
    [InlineData("0.29.4", false)]
    [InlineData("v0.29.4", false)] // the same version written another way is not behind
    [InlineData("0.29.4+build.1", false)]
    [InlineData("0.30.0-rc.1", false)] // ahead: a canary
    [InlineData("99.0.0", false)]
    public void OlderThan_VersionsAroundTheNewest_OnlyLowerOnesAreBehind(string version, bool behind)
    {
        Assert.Equal(behind, VersionComparer.OlderThan("0.29.4")(version));
    }

    [Fact]
    public void Order_ChoriaLikeVersions_NewestLastAndOddStringsFirst()
    {
        string?[] versions = ["0.29.10", "0.3.0", null, "garbage", "0.29.9", "v0.29", "0.29.1", "1.0.0", "0.29.10-rc1", "", "0.100.0"];

        var sorted = versions.Order(VersionComparer.Instance).Select(v => v ?? "(null)");

        Assert.Equal(["(null)", "", "garbage", "0.3.0", "v0.29", "0.29.1", "0.29.9", "0.29.10-rc1", "0.29.10", "0.100.0", "1.0.0"], sorted);
    }

    [Fact]
    public void Compare_AnyThreeStrings_IsTransitiveAndAntisymmetric()
    {
        string?[] versions = [null, "", "1a", "2", "10", "1", "1.0", "rc", "0.29.4-rc1", "0.29.4", "v0.29.4", "0.29.04", "0.29.4+b", "<script>", "1.2.3.4", " 1.0.0 "];
        var comparer = VersionComparer.Instance;
        foreach (var a in versions)
        {
            foreach (var b in versions)
            {
                Assert.Equal(Math.Sign(comparer.Compare(a, b)), -Math.Sign(comparer.Compare(b, a)));
                foreach (var c in versions)
                {
                    if (comparer.Compare(a, b) < 0 && comparer.Compare(b, c) < 0)
                    {
                        Assert.True(comparer.Compare(a, c) < 0, $"{a} < {b} < {c} but not {a} < {c}");
                    }
                }
            }
        }
    }
}
