using System.Text;
using ChoriaDashboard.Events;
using ChoriaDashboard.Ingest;
using Xunit;

// Not ChoriaDashboard.Tests.Events: that would shadow ChoriaDashboard.Events for "Events.WireFormat" elsewhere in the tests.
namespace ChoriaDashboard.Tests.EventText;

/// <summary>Identities that would show as the same text as another are refused, each class of character by name.</summary>
public sealed class UntrustedTextIdentityTests
{
    private const string Startup =
        """{"protocol":"io.choria.lifecycle.v1.startup","id":"d4ad7eeb-970c-4084-b601-0ebc0cf03ef2","identity":"IDENTITY","component":"server","timestamp":1718000000,"version":"0.29.4"}""";

    [Theory]
    [InlineData(0x200B)]
    [InlineData(0x200C)]
    [InlineData(0x200D)]
    [InlineData(0x2060)]
    [InlineData(0xFEFF)]
    public void IdentityProblem_ZeroWidthCharacter_NamedWithCodePoint(int codePoint) =>
        Assert.Equal($"a zero-width character (U+{codePoint:X4})", UntrustedText.IdentityProblem(Around(codePoint)));

    [Theory]
    [InlineData(0x200E)]
    [InlineData(0x200F)]
    [InlineData(0x061C)]
    [InlineData(0x202A)]
    [InlineData(0x202B)]
    [InlineData(0x202C)]
    [InlineData(0x202D)]
    [InlineData(0x202E)]
    [InlineData(0x2066)]
    [InlineData(0x2067)]
    [InlineData(0x2068)]
    [InlineData(0x2069)]
    public void IdentityProblem_BidiControl_NamedWithCodePoint(int codePoint) =>
        Assert.Equal($"a bidirectional text control (U+{codePoint:X4})", UntrustedText.IdentityProblem(Around(codePoint)));

    /// <summary>Other format (Cf) characters, outside the BMP too, and the default-ignorable ones that are not Cf.</summary>
    [Theory]
    [InlineData(0x00AD)] // soft hyphen
    [InlineData(0x180E)] // Mongolian vowel separator
    [InlineData(0x2061)] // function application
    [InlineData(0x206F)] // nominal digit shapes
    [InlineData(0xFFF9)] // interlinear annotation anchor
    [InlineData(0x110BD)] // Kaithi number sign
    [InlineData(0xE0001)] // language tag
    [InlineData(0xE0061)] // tag latin small letter a
    [InlineData(0x034F)] // combining grapheme joiner
    [InlineData(0x3164)] // Hangul filler
    [InlineData(0xFE0F)] // variation selector 16
    [InlineData(0xE0100)] // variation selector 17
    public void IdentityProblem_OtherInvisibleCharacter_NamedWithCodePoint(int codePoint) =>
        Assert.Equal($"an invisible format character (U+{codePoint:X4})", UntrustedText.IdentityProblem(Around(codePoint)));

    [Theory]
    [InlineData(0x0000)]
    [InlineData(0x0007)]
    [InlineData(0x001B)]
    [InlineData(0x007F)]
    [InlineData(0x0085)]
    [InlineData(0x009B)]
    public void IdentityProblem_ControlCharacter_NamedWithCodePoint(int codePoint) =>
        Assert.Equal($"a control character (U+{codePoint:X4})", UntrustedText.IdentityProblem(Around(codePoint)));

    [Theory]
    [InlineData(0x0020)]
    [InlineData(0x00A0)]
    [InlineData(0x2007)]
    [InlineData(0x2028)]
    [InlineData(0x3000)]
    public void IdentityProblem_WhiteSpace_NamedWithCodePoint(int codePoint) =>
        Assert.Equal($"white space (U+{codePoint:X4})", UntrustedText.IdentityProblem(Around(codePoint)));

    [Fact]
    public void IdentityProblem_Markup_NamedWithTheCharacter() =>
        Assert.Equal("a markup or quoting character ('<')", UntrustedText.IdentityProblem("<b>node1</b>"));

    /// <summary>What Choria identities look like: FQDNs, certnames, internationalised names in either form.</summary>
    [Theory]
    [InlineData("node1.example.net")]
    [InlineData("web01.ams1.example.net")]
    [InlineData("dashboard.mcollective")]
    [InlineData("choria_provisioner-1.example.net")]
    [InlineData("NODE1.EXAMPLE.NET")]
    [InlineData("xn--nud-dma.example.net")]
    [InlineData("nœud.example.net")]
    [InlineData("ノード1.example.jp")]
    [InlineData("10.0.0.7")]
    [InlineData("fe80::1")]
    public void IdentityProblem_RealIdentities_None(string identity)
    {
        Assert.Null(UntrustedText.IdentityProblem(identity));
        Assert.True(UntrustedText.IsSafeIdentity(identity));
    }

    [Fact]
    public void Excerpt_InvisibleCharacters_ShownAsQuestionMarks() =>
        Assert.Equal("?node1?.example.net?", UntrustedText.Excerpt("\u202Enode1\u200B.example.net\U000E0001"));

    [Fact]
    public void Excerpt_SurrogatePairAtTheLimit_NotSplit()
    {
        var text = new string('a', UntrustedText.ExcerptLength - 1) + "😀😀";

        var excerpt = UntrustedText.Excerpt(text);

        Assert.Equal(new string('a', UntrustedText.ExcerptLength - 1) + "😀…", excerpt);
    }

    [Fact]
    public void Decode_IdentityLookingLikeAnother_RejectedNamingTheCharacterWhileTheVisibleOneIsAccepted()
    {
        var decoder = new ChoriaEventDecoder(new IngestOptions());

        var real = decoder.Decode(Body("node1.example.net"));
        var lookalike = decoder.Decode(Body("node1\u200B.example.net"));

        Assert.True(real.IsSuccess, real.ToString());
        Assert.False(lookalike.IsSuccess);
        Assert.Equal(RejectionReason.InvalidValue, lookalike.Reason);
        Assert.Equal("'identity' contains a zero-width character (U+200B), not allowed in an identity: 'node1?.example.net'", lookalike.Detail);
    }

    private static byte[] Body(string identity) =>
        Encoding.UTF8.GetBytes(Startup.Replace("IDENTITY", System.Text.Json.JsonEncodedText.Encode(identity).ToString(), StringComparison.Ordinal));

    private static string Around(int codePoint) => $"node1{char.ConvertFromUtf32(codePoint)}.example.net";
}
