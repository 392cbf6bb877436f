using System.Collections.Concurrent;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class NodeViewTests
{
    [Fact]
    public void Nodes_AsReadersSeeThem_CannotBeWrittenThrough()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));

        Assert.IsNotAssignableFrom<IDictionary<NodeKey, NodeSnapshot>>(fleet.State.Nodes);
        Assert.IsNotType<ConcurrentDictionary<NodeKey, NodeSnapshot>>(fleet.State.Nodes);
    }

    [Fact]
    public void Nodes_AfterAddsAndAForget_CountKeysAndValuesAgree()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(Ev.Startup("n2", "0.29.4"));
        fleet.Apply(Ev.Shutdown("n3"));
        fleet.AdvanceMinutes(25 * 60);
        fleet.Apply(Ev.Alive("n1", "0.29.4"));
        fleet.Sweep();

        var nodes = fleet.State.Nodes;

        Assert.Equal(2, nodes.Count);
        Assert.Equal(["n1", "n2"], nodes.Keys.Select(k => k.Identity).Order());
        Assert.Equal(["n1", "n2"], nodes.Values.Select(n => n.Identity).Order());
        Assert.True(nodes.ContainsKey(new NodeKey("n1", Ev.Server)));
        Assert.False(nodes.TryGetValue(new NodeKey("n3", Ev.Server), out _));
    }
}
