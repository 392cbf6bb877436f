using ChoriaDashboard.Events;
using ChoriaDashboard.Ingest;
using Xunit;

namespace ChoriaDashboard.Tests.Ingest;

public sealed class TruncateTests
{
    [Theory]
    [InlineData("short", 10, "short")]
    [InlineData("abcdefghij", 5, "abcd…")]
    [InlineData("abc\U0001F600def", 5, "abc…")] // the emoji's two halves sit at 3 and 4: the cut must not keep half
    [InlineData("ab\U0001F600def", 5, "ab\U0001F600…")]
    public void Truncate_LongText_CutsWithEllipsisWithoutSplittingSurrogates(string input, int limit, string expected)
    {
        var result = UntrustedText.Truncate(input, limit);

        Assert.Equal(expected, result);
        Assert.True(result.Length <= limit);
        Assert.False(result.Length > 0 && char.IsHighSurrogate(result[^1]));
    }
}
