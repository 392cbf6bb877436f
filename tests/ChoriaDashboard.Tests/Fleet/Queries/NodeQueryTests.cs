using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using ChoriaDashboard.TestKit;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class NodeQueryTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A small fleet, listed in no particular order.</summary>
    private static readonly NodeSnapshot[] Fleet =
    [
        Node("web02.ams1.example.net", NodeState.Live, "0.29.10", lastSeenMinutes: 5),
        Node("db01.lon2.example.net", NodeState.Dead, "0.29.9", lastSeenMinutes: 1),
        Node("web01.ams1.example.net", NodeState.Stopped, null, lastSeenMinutes: 3),
        Node("cache01.nyc3.example.net", NodeState.Stale, "0.28.0", lastSeenMinutes: 2),
        Node("WEB03.fra4.example.net", NodeState.Live, "0.29.9", lastSeenMinutes: 4),
        Node("db01.lon2.example.net", NodeState.Live, "1.0.0", component: ChoriaComponents.Provisioner, lastSeenMinutes: 6),
    ];

    [Fact]
    public void Apply_EmptyQuery_ReturnsEveryNode()
    {
        Assert.Equal(Fleet.Length, new NodeQuery().Apply(Fleet).Length);
    }

    [Fact]
    public void Apply_DefaultSort_PutsDeadThenStaleThenStoppedThenLiveThenByIdentity()
    {
        var rows = new NodeQuery().Apply(Fleet);

        Assert.Equal(
            [
                "db01.lon2.example.net/server",
                "cache01.nyc3.example.net/server",
                "web01.ams1.example.net/server",
                "WEB03.fra4.example.net/server",
                "db01.lon2.example.net/provisioner",
                "web02.ams1.example.net/server",
            ],
            Keys(rows));
    }

    [Fact]
    public void Apply_DefaultSortWithManyStates_NeverPutsAHealthierNodeAboveAWorseOne()
    {
        var states = new[] { NodeState.Live, NodeState.Stopped, NodeState.Stale, NodeState.Dead };
        var nodes = Enumerable.Range(0, 40).Select(i => Node($"n{(i * 7) % 40:00}", states[i % 4], "0.29.4", lastSeenMinutes: i)).ToArray();

        var rows = new NodeQuery().Apply(nodes);

        var expectedStates = new[] { NodeState.Dead, NodeState.Stale, NodeState.Stopped, NodeState.Live };
        Assert.Equal(expectedStates, rows.Select(r => r.State).Distinct().ToArray());
        foreach (var group in rows.GroupBy(r => r.State))
        {
            var identities = group.Select(r => r.Identity).ToArray();
            Assert.Equal(identities.Order(StringComparer.Ordinal), identities);
        }
    }

    [Theory]
    [InlineData("web0", new[] { "web01.ams1.example.net/server", "WEB03.fra4.example.net/server", "web02.ams1.example.net/server" })]
    [InlineData("WEB0", new[] { "web01.ams1.example.net/server", "WEB03.fra4.example.net/server", "web02.ams1.example.net/server" })]
    [InlineData("ams1", new[] { "web01.ams1.example.net/server", "web02.ams1.example.net/server" })]
    [InlineData("LON2.EXAMPLE", new[] { "db01.lon2.example.net/server", "db01.lon2.example.net/provisioner" })]
    [InlineData("nowhere", new string[0])]
    public void Apply_Search_MatchesIdentitySubstringIgnoringCase(string search, string[] expected)
    {
        var rows = new NodeQuery { Search = search }.Apply(Fleet);

        Assert.Equal(expected, Keys(rows));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Apply_EmptySearch_FiltersNothing(string? search)
    {
        Assert.Equal(Fleet.Length, new NodeQuery { Search = search }.Apply(Fleet).Length);
    }

    [Fact]
    public void Apply_ComponentFilter_KeepsOnlyThatComponent()
    {
        var rows = new NodeQuery { Component = ChoriaComponents.Provisioner }.Apply(Fleet);

        Assert.Equal(["db01.lon2.example.net/provisioner"], Keys(rows));
    }

    [Theory]
    [InlineData(NodeState.Live, 3)]
    [InlineData(NodeState.Stale, 1)]
    [InlineData(NodeState.Dead, 1)]
    [InlineData(NodeState.Stopped, 1)]
    public void Apply_StateFilter_KeepsOnlyThatState(NodeState state, int expected)
    {
        var rows = new NodeQuery { State = state }.Apply(Fleet);

        Assert.Equal(expected, rows.Length);
        Assert.All(rows, r => Assert.Equal(state, r.State));
    }

    [Fact]
    public void Apply_VersionFilter_KeepsExactVersionOnly()
    {
        var rows = new NodeQuery { Version = "0.29.9" }.Apply(Fleet);

        Assert.Equal(["db01.lon2.example.net/server", "WEB03.fra4.example.net/server"], Keys(rows));
    }

    [Fact]
    public void Apply_VersionFilterUnknown_KeepsNodesWithoutVersion()
    {
        var rows = new NodeQuery { Version = "unknown" }.Apply(Fleet);

        Assert.Equal(["web01.ams1.example.net/server"], Keys(rows));
    }

    [Fact]
    public void Apply_SeveralFilters_AllMustMatch()
    {
        var query = new NodeQuery { Search = "web", State = NodeState.Live, Version = "0.29.9", Component = ChoriaComponents.Server };

        Assert.Equal(["WEB03.fra4.example.net/server"], Keys(query.Apply(Fleet)));
        Assert.Empty((query with { Version = "0.29.10", Search = "ams1", State = NodeState.Dead }).Apply(Fleet));
    }

    [Fact]
    public void Apply_SortByIdentity_OrdersOrdinallyThenByComponent()
    {
        var rows = new NodeQuery { Sort = NodeSort.Identity }.Apply(Fleet);

        Assert.Equal(
            [
                "WEB03.fra4.example.net/server",
                "cache01.nyc3.example.net/server",
                "db01.lon2.example.net/provisioner",
                "db01.lon2.example.net/server",
                "web01.ams1.example.net/server",
                "web02.ams1.example.net/server",
            ],
            Keys(rows));
    }

    [Fact]
    public void Apply_SortByIdentityDescending_ReversesIdentities()
    {
        var rows = new NodeQuery { Sort = NodeSort.Identity, Descending = true }.Apply(Fleet);

        Assert.Equal(
            ["web02.ams1.example.net", "web01.ams1.example.net", "db01.lon2.example.net", "db01.lon2.example.net", "cache01.nyc3.example.net", "WEB03.fra4.example.net"],
            rows.Select(r => r.Identity));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Apply_SortByComponent_GroupsComponentsThenIdentity(bool descending)
    {
        var rows = new NodeQuery { Sort = NodeSort.Component, Descending = descending }.Apply(Fleet);

        var components = rows.Select(r => r.Component).Distinct().ToArray();
        Assert.Equal(descending ? [ChoriaComponents.Server, ChoriaComponents.Provisioner] : [ChoriaComponents.Provisioner, ChoriaComponents.Server], components);
        var servers = rows.Where(r => r.Component == ChoriaComponents.Server).Select(r => r.Identity).ToArray();
        Assert.Equal(servers.Order(StringComparer.Ordinal), servers);
    }

    [Fact]
    public void Apply_SortByVersion_OrdersNumericallyWithUnknownFirst()
    {
        var rows = new NodeQuery { Sort = NodeSort.Version }.Apply(Fleet);

        Assert.Equal([null, "0.28.0", "0.29.9", "0.29.9", "0.29.10", "1.0.0"], rows.Select(r => r.Version));
        Assert.Equal(["WEB03.fra4.example.net", "db01.lon2.example.net"], rows.Where(r => r.Version == "0.29.9").Select(r => r.Identity));
    }

    [Fact]
    public void Apply_SortByVersionDescending_PutsNewestFirstAndUnknownLast()
    {
        var rows = new NodeQuery { Sort = NodeSort.Version, Descending = true }.Apply(Fleet);

        Assert.Equal(["1.0.0", "0.29.10", "0.29.9", "0.29.9", "0.28.0", null], rows.Select(r => r.Version));
    }

    [Fact]
    public void Apply_SortByStateDescending_PutsLiveFirstAndDeadLast()
    {
        var rows = new NodeQuery { Sort = NodeSort.State, Descending = true }.Apply(Fleet);

        Assert.Equal(
            [NodeState.Live, NodeState.Live, NodeState.Live, NodeState.Stopped, NodeState.Stale, NodeState.Dead],
            rows.Select(r => r.State));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Apply_SortByLastSeen_OrdersByTime(bool descending)
    {
        var rows = new NodeQuery { Sort = NodeSort.LastSeen, Descending = descending }.Apply(Fleet);

        var minutes = rows.Select(r => (int)(r.LastSeen - T0).TotalMinutes).ToArray();
        Assert.Equal(descending ? [6, 5, 4, 3, 2, 1] : [1, 2, 3, 4, 5, 6], minutes);
    }

    [Fact]
    public void Apply_DoesNotChangeTheInput()
    {
        var input = Fleet.ToArray();

        _ = new NodeQuery { Sort = NodeSort.Version, Descending = true }.Apply(input);

        Assert.Equal(Fleet, input);
    }

    [Theory]
    [InlineData(NodeState.Dead, 0)]
    [InlineData(NodeState.Stale, 1)]
    [InlineData(NodeState.Stopped, 2)]
    [InlineData(NodeState.Live, 3)]
    public void Severity_State_RanksTroubleFirst(NodeState state, int expected)
    {
        Assert.Equal(expected, NodeQuery.Severity(state));
    }

    [Fact]
    public void Apply_NumberedIdentities_SortedNaturally()
    {
        NodeSnapshot[] fleet = [.. new[] { "web-10", "web-2", "web-1", "web-20" }.Select(i => Node(i, NodeState.Live, "0.29.4", 0))];

        Assert.Equal(["web-1", "web-2", "web-10", "web-20"], new NodeQuery().Apply(fleet).Select(r => r.Identity));
        Assert.Equal(["web-20", "web-10", "web-2", "web-1"], new NodeQuery { Sort = NodeSort.Identity, Descending = true }.Apply(fleet).Select(r => r.Identity));
    }

    [Fact]
    public void Apply_Outdated_KeepsNodesOnAnOlderVersionOfTheirComponent()
    {
        // Server's newest is 1.0.0 (the provisioner has its own); unknown versions are never counted as outdated.
        NodeSnapshot[] fleet =
        [
            Node("a", NodeState.Live, "0.29.10", 0),
            Node("b", NodeState.Dead, "0.29.9", 0),
            Node("c", NodeState.Live, "1.0.0", 0),
            Node("d", NodeState.Stopped, null, 0),
            Node("e", NodeState.Live, "garbage", 0),
            Node("a", NodeState.Live, "0.1.0", 0, component: ChoriaComponents.Provisioner),
        ];

        var rows = new NodeQuery { Outdated = true, Sort = NodeSort.Identity }.Apply(fleet);

        Assert.Equal(["a/server", "b/server", "e/server"], Keys(rows));
        Assert.Equal(["b/server"], Keys((new NodeQuery { Outdated = true, State = NodeState.Dead }).Apply(fleet)));
    }

    private static string[] Keys(IEnumerable<NodeSnapshot> rows) => [.. rows.Select(r => r.Key.ToString())];

    private static NodeSnapshot Node(string identity, NodeState state, string? version, int lastSeenMinutes, string component = ChoriaComponents.Server) =>
        TestSnapshots.Node(identity, state, version, component, lastSeen: T0 + TimeSpan.FromMinutes(lastSeenMinutes), firstSeen: T0);
}
