using ChoriaDashboard.Components;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using Xunit;

namespace ChoriaDashboard.Tests.Components;

/// <summary>What the "raw" view says when it has no bytes to show.</summary>
public sealed class HealthFormatRawTextTests
{
    [Fact]
    public void RawText_ReplayedEvent_SaysItCameFromChoriaStreamsNotThatItWasOverwritten()
    {
        Assert.Equal("Replayed from Choria Streams at start: replayed events are not captured.", HealthFormat.RawText(RawEventLookup.Replayed));
    }

    [Fact]
    public void RawText_Overwritten_SaysNoLongerRetained()
    {
        Assert.StartsWith("No longer retained", HealthFormat.RawText(new RawEventLookup(null, Overwritten: true)), StringComparison.Ordinal);
    }
}
