using System.Text;
using System.Text.Json;
using ChoriaDashboard.Api;
using ChoriaDashboard.Fleet.Model;
using Xunit;
using static ChoriaDashboard.TestKit.TestSnapshots;

namespace ChoriaDashboard.Tests.Api;

/// <summary>A node sent as JSON by the hub is byte for byte a row of the JSON export: the shapes cannot drift apart.</summary>
public sealed class NodeItemTests
{
    private static readonly DateTimeOffset Seen = new(2026, 11, 25, 9, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public async Task From_SerialisedWithTheApisJson_IsTheExportsRow()
    {
        NodeSnapshot[] nodes =
        [
            Node("web-1", NodeState.Live, "0.29.4", lastSeen: Seen) with { UpgradingTo = "0.30.0" },
            Node("web-2", NodeState.Stopped, null, component: "provision_mode_server", lastSeen: Seen, firstSeen: Seen.AddDays(-1)),
        ];
        using var export = new MemoryStream();
        await NodeExport.WriteJsonAsync(export, nodes, CancellationToken.None);
        var options = new JsonSerializerOptions();
        ChoriaDashboard.Api.FleetApi.ConfigureJson(options);

        var items = JsonSerializer.Serialize(nodes.Select(NodeItem.From), options);

        Assert.Equal(Encoding.UTF8.GetString(export.ToArray()), items);
    }
}
