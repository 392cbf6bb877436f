using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.Tests.Fleet.FleetStoreTestKit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>The writer tells readers, in the summary of the fleet's stream, which new nodes it turned away at Fleet:MaxNodes.</summary>
public sealed class FleetStoreTurnedAwayTests
{
    [Fact]
    public async Task FleetStore_FleetFull_SummaryTellsHowManyNewNodesWereTurnedAwayAndSinceWhen()
    {
        await using var fixture = await StoreFixture.StartAsync(o => o.MaxNodes = 2);
        using var subscription = fixture.Store.Subscribe();
        var at = fixture.Time.GetUtcNow();

        foreach (var identity in new[] { "n1", "n2", "n3", "n4", "n3" })
        {
            await fixture.EnqueueAsync(Ev.Startup(identity, "0.29.4"));
        }

        var full = await ReadUntilAsync(subscription, u => u.Summary.TurnedAway is { Events: 3 });
        Assert.True(full.StatusChanged);
        Assert.Equal(new TurnedAway(2, 2, false, 3, at, at), full.Summary.TurnedAway);
        Assert.Equal(2, full.Summary.TotalNodes);
        Assert.Equal(3, fixture.Stats.RejectedByReason[Events.RejectionReason.FleetFull]);
        Assert.Equal(full.Summary.TurnedAway, fixture.Store.Summary.TurnedAway);
    }
}
