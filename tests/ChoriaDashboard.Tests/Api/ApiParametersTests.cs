using ChoriaDashboard.Api;
using ChoriaDashboard.Fleet.Queries;
using Xunit;

namespace ChoriaDashboard.Tests.Api;

/// <summary>Paging parameters and pages, and the strict reading of check statuses.</summary>
public sealed class ApiParametersTests
{
    [Theory]
    [InlineData(null, null, 0, 100)]
    [InlineData("", " ", 0, 100)]
    [InlineData("0", "1", 0, 1)]
    [InlineData("250", "1000", 250, 1000)]
    public void ParsePaging_Valid_OffsetAndLimit(string? offset, string? limit, int expectedOffset, int expectedLimit)
    {
        var errors = new Dictionary<string, string[]>();

        var paging = ApiParameters.ParsePaging(offset, limit, errors);

        Assert.Empty(errors);
        Assert.Equal((expectedOffset, expectedLimit), paging);
    }

    [Theory]
    [InlineData("-1", null, "offset")]
    [InlineData("1e3", null, "offset")]
    [InlineData("+5", null, "offset")]
    [InlineData(null, "0", "limit")]
    [InlineData(null, "1001", "limit")]
    [InlineData(null, "100000", "limit")]
    [InlineData(null, "2147483648", "limit")]
    [InlineData(null, "ten", "limit")]
    public void ParsePaging_Invalid_NamesTheParameter(string? offset, string? limit, string parameter)
    {
        var errors = new Dictionary<string, string[]>();

        ApiParameters.ParsePaging(offset, limit, errors);

        Assert.Equal([parameter], errors.Keys);
    }

    [Fact]
    public void PageOf_PastTheEnd_EmptyWithTheTotal()
    {
        int[] rows = [1, 2, 3, 4, 5];

        var middle = ApiParameters.PageOf(rows, 1, 2, r => r * 10);
        var tail = ApiParameters.PageOf(rows, 4, 100, r => r);
        var past = ApiParameters.PageOf(rows, 9, 100, r => r);

        Assert.Equal((5, 1, 2), (middle.Total, middle.Offset, middle.Limit));
        Assert.Equal([20, 30], middle.Items);
        Assert.Equal([5], tail.Items);
        Assert.Empty(past.Items);
        Assert.Equal(5, past.Total);
    }

    [Theory]
    [InlineData("critical,warning", new string[0])]
    [InlineData("STALE, notchecked ,ok", new string[0])]
    [InlineData("critical,broken,,nope", new[] { "broken", "nope" })]
    public void UnknownStatusWords_OnlyTheWordsNoStatusHas(string value, string[] unknown)
    {
        Assert.Equal(unknown, CheckQuery.UnknownStatusWords(value));
    }
}
