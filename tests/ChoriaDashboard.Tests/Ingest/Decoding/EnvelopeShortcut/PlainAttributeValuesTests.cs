using System.Text;
using ChoriaDashboard.Ingest;
using ChoriaDashboard.Ingest.Decoding;
using CloudNative.CloudEvents;
using Xunit;

namespace ChoriaDashboard.Tests.Ingest.Decoding;

/// <summary>
/// The allocation-free checks may only ever say yes where the CloudEvents SDK says yes (through the decoder's own SDK
/// check, the path they short-cut): each value below is asked of both, as text and as UTF-8 bytes.
/// </summary>
public sealed class PlainAttributeValuesTests
{
    public static TheoryData<string, bool> Timestamps => new()
    {
        { "2024-06-10T06:18:20.001Z", true },
        { "2024-06-10T06:18:20Z", true },
        { "2024-06-10T06:18:20.123456789123Z", true },
        { "2024-02-29T23:59:59.9Z", true },
        { "0001-01-01T00:00:00Z", true },
        { "9999-12-31T23:59:59.9999999Z", true },
        { "2023-02-29T06:18:20Z", false },
        { "2024-06-31T06:18:20Z", false },
        { "2024-13-10T06:18:20Z", false },
        { "2024-06-10T24:00:00Z", false },
        { "2024-06-10T06:60:20Z", false },
        { "2024-06-10T06:18:60Z", false },
        { "0000-06-10T06:18:20Z", false },
        { "2024-06-10T06:18:20.Z", false },
        { "2024-06-10T06:18:20.1x2Z", false },
        { "2024-06-10 06:18:20Z", false },
        { "2024-06-10t06:18:20Z", false },
        { "2024-06-10T06:18:20z", false },
        { "2024-06-10T06:18:20", false },
        { "2024-06-10T06:18:20+02:00", false },
        { "2024-6-10T06:18:20Z", false },
        { "+024-06-10T06:18:20Z", false },
        { "２024-06-10T06:18:20Z", false },
        { "", false },
    };

    public static TheoryData<string, bool> Strings => new()
    {
        { "4e1f5c2a-8f0b-4b3e-9d7a-6c1e2b3a4d5f", true },
        { "node1.example.net ~!@#$%^&*()_+{}|:<>?", true },
        { "", false },
        { "tab\there", false },
        { "del\u007F", false },
        { "é", false },
        { "\uFFFE", false },
    };

    [Theory]
    [MemberData(nameof(Timestamps))]
    public void IsPlainUtcTimestamp_SaysYesOnlyWhereTheSdkDoes(string value, bool plain)
    {
        Assert.Equal(plain, PlainAttributeValues.IsPlainUtcTimestamp(value.AsSpan()));
        Assert.Equal(plain, PlainAttributeValues.IsPlainUtcTimestamp<byte>(Encoding.UTF8.GetBytes(value)));
        if (plain)
        {
            Assert.True(SdkAccepts(CloudEventsSpecVersion.V1_0.TimeAttribute, value), $"the SDK refuses {value}");
        }
    }

    [Theory]
    [MemberData(nameof(Strings))]
    public void IsPlainString_SaysYesOnlyWhereTheSdkDoes(string value, bool plain)
    {
        Assert.Equal(plain, PlainAttributeValues.IsPlainString(value.AsSpan()));
        Assert.Equal(plain, PlainAttributeValues.IsPlainString<byte>(Encoding.UTF8.GetBytes(value)));
        if (plain)
        {
            Assert.True(SdkAccepts(CloudEventsSpecVersion.V1_0.IdAttribute, value));
            Assert.True(SdkAccepts(CloudEventsSpecVersion.V1_0.SubjectAttribute, value));
        }
    }

    [Fact]
    public void IsPlainUtcTimestamp_EverySecondOfALeapYear_AgreesWithTheSdkWhereItSaysYes()
    {
        var random = new Random(3);
        for (var i = 0; i < 20_000; i++)
        {
            var at = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(random.Next(366 * 86_400)).AddTicks(random.Next(10_000_000));
            var text = at.ToString(random.Next(3) switch { 0 => "yyyy-MM-dd'T'HH:mm:ss'Z'", 1 => "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", _ => "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'" }, System.Globalization.CultureInfo.InvariantCulture);

            Assert.True(PlainAttributeValues.IsPlainUtcTimestamp(text.AsSpan()), text);
            Assert.True(SdkAccepts(CloudEventsSpecVersion.V1_0.TimeAttribute, text), text);
        }
    }

    /// <summary>The SDK path the fast checks stand in for: what the decoder asks when they say no.</summary>
    private static bool SdkAccepts(CloudEventAttribute attribute, string value) => EnvelopeShortcut.IsValid(attribute, value);
}
