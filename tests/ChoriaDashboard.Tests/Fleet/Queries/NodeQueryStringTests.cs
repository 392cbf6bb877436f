using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using Microsoft.AspNetCore.WebUtilities;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class NodeQueryStringTests
{
    private static NodeQuery Parse(string url)
    {
        var query = QueryHelpers.ParseQuery(new Uri("http://x/" + url).Query);
        return NodeQueryString.Parse(name => query.TryGetValue(name, out var v) ? v.ToString() : null);
    }

    [Fact]
    public void Link_EveryPart_RoundTripsThroughParse()
    {
        var query = new NodeQuery
        {
            Search = "web &x=1",
            Component = "server",
            State = NodeState.Dead,
            Version = "0.29.4+b",
            Outdated = true,
            Sort = NodeSort.LastSeen,
            Descending = true,
        };

        var link = NodeQueryString.Link("nodes", query);

        Assert.Equal("nodes?q=web%20%26x%3D1&component=server&state=dead&version=0.29.4%2Bb&outdated=true&sort=lastseen&desc=true", link);
        Assert.Equal(query, Parse(link));
    }

    [Theory]
    [InlineData("nodes?state=7&sort=42&outdated=yes&desc=maybe")]
    [InlineData("nodes?state=&component=%20&version=")]
    public void Parse_NonsenseValues_Ignored(string url)
    {
        Assert.Equal(new NodeQuery(), Parse(url));
    }

    [Fact]
    public void Link_DefaultQuery_HasNoParameters()
    {
        Assert.Equal("export/nodes.csv", NodeQueryString.Link("export/nodes.csv", new NodeQuery()));
    }
}
