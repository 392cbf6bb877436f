using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>
/// A small fleet that exercises every rule, for tests that compare two views of it: all three wire shapes, restarts,
/// shutdowns, provisioning and an upgrade, autonomous agents with nagios checks, governor events, and nodes of the
/// <see cref="ShortLived"/> component that go silent (give that component short thresholds to see them die).
/// </summary>
internal static class MixedFleet
{
    /// <summary>A component whose nodes go silent after their startup.</summary>
    public const string ShortLived = "shortlived";

    /// <summary>Thresholds that let <see cref="ShortLived"/> nodes turn stale and dead within a test, the rest never.</summary>
    public static Dictionary<string, string?> Settings(string staleAfter = "00:00:01", string deadAfter = "00:00:02") => new()
    {
        ["Fleet:StaleAfter"] = "01:00:00",
        ["Fleet:DeadAfter"] = "02:00:00",
        [$"Fleet:Components:{ShortLived}:StaleAfter"] = staleAfter,
        [$"Fleet:Components:{ShortLived}:DeadAfter"] = deadAfter,
        [$"Fleet:Components:{ShortLived}:ForgetAfter"] = "01:00:00",
    };

    public static async Task PublishAsync(TestPublisher publisher, string prefix = "node")
    {
        var shapes = new[] { WireFormat.Legacy, WireFormat.CloudEventStructured, WireFormat.CloudEventBinary };
        for (var i = 0; i < 30; i++)
        {
            var identity = Identity(i, prefix);
            var shape = shapes[i % 3];
            await publisher.PublishAsync(Startup(identity, "0.29.3"), shape);
            await publisher.PublishAsync(Alive(identity, i % 4 == 0 ? "0.29.4" : "0.29.3"), shape);
            if (i % 5 == 0)
            {
                await publisher.PublishAsync(Shutdown(identity), shape);
            }

            if (i % 6 == 0)
            {
                await publisher.PublishAsync(Transition(identity, "app", "unknown", "running", "start"), shape);
                await publisher.PublishAsync(Nagios(identity, "check_load", i % 12 == 0 ? 2 : 0), shape);
            }

            if (i % 7 == 0)
            {
                await publisher.PublishAsync(Governor(identity, sequence: (ulong)i), shape);
            }

            if (i % 8 == 0)
            {
                await publisher.PublishAsync(Startup(identity, "0.29.3", MixedFleet.ShortLived), shape);
            }
        }

        // A node provisioned and upgraded, then seen running the new version as a server.
        var provisioned = Identity(999, prefix);
        await publisher.PublishAsync(Startup(provisioned, "0.29.3", ChoriaComponents.ProvisionModeServer), WireFormat.CloudEventStructured);
        await publisher.PublishAsync(Upgraded(provisioned, "0.29.3", "0.29.4"), WireFormat.CloudEventStructured);
        await publisher.PublishAsync(Provisioned(provisioned), WireFormat.CloudEventBinary);
        await publisher.PublishAsync(Shutdown(provisioned, ChoriaComponents.ProvisionModeServer), WireFormat.Legacy);
        await publisher.PublishAsync(Startup(provisioned, "0.29.4"), WireFormat.Legacy);
        await publisher.FlushAsync();
    }

    /// <summary>Nodes <see cref="PublishAsync"/> makes, with a prefix.</summary>
    public const int Nodes = 30 + 4 + 1;

    /// <summary>What two views of one fleet must agree on: counts by component, state and version, machines, health, governor counts.</summary>
    public static string Figures(JsonElement fleet) => JsonSerializer.Serialize(new
    {
        totals = fleet.GetProperty("totals"),
        components = fleet.GetProperty("components"),
        machines = fleet.GetProperty("machines"),
        health = fleet.GetProperty("health"),
        governor = fleet.GetProperty("governor").GetProperty("counts"),
    });

    public static int Total(JsonElement fleet) => fleet.GetProperty("totals").GetProperty("nodes").GetInt32();

    public static int Dead(JsonElement fleet) => fleet.GetProperty("totals").GetProperty("dead").GetInt32();
}
