using ChoriaDashboard.Api.Metrics;
using Xunit;

namespace ChoriaDashboard.Tests.Api.Metrics;

/// <summary>The text format 0.0.4 as Prometheus parses it: escaping, numbers, the comment lines.</summary>
public sealed class ExpositionTests
{
    [Fact]
    public void Sample_LabelValueWithQuoteBackslashAndNewline_Escaped()
    {
        var text = new Exposition().Family("m", "counter", "a\\b\nc").Sample("m", ["l"], ["a\"b\\c\nd"], 1).ToString();

        Assert.Equal("# HELP m a\\\\b\\nc\n# TYPE m counter\nm{l=\"a\\\"b\\\\c\\nd\"} 1\n", text);
    }

    [Theory]
    [InlineData(3, "3")]
    [InlineData(0, "0")]
    [InlineData(0.25, "0.25")]
    [InlineData(1e20, "1E+20")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    public void Sample_Value_WrittenAsPrometheusParsesIt(double value, string written)
    {
        var text = new Exposition().Sample("m", [], [], value).ToString();

        Assert.Equal($"m {written}\n", text);
    }
}
