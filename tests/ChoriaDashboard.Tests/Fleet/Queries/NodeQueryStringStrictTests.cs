using ChoriaDashboard.Fleet.Queries;
using Microsoft.AspNetCore.WebUtilities;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>
/// The strict reading of the node list's parameters (the API's): the same query as the lenient one (the page's) for
/// anything sensible, an error naming each parameter the page would silently ignore.
/// </summary>
public sealed class NodeQueryStringStrictTests
{
    private static (NodeQuery Query, Dictionary<string, string[]> Errors) ParseStrict(string url)
    {
        var query = QueryHelpers.ParseQuery(new Uri("http://x/" + url).Query);
        var errors = new Dictionary<string, string[]>();
        return (NodeQueryString.ParseStrict(name => query.TryGetValue(name, out var v) ? v.ToString() : null, errors), errors);
    }

    private static NodeQuery Parse(string url)
    {
        var query = QueryHelpers.ParseQuery(new Uri("http://x/" + url).Query);
        return NodeQueryString.Parse(name => query.TryGetValue(name, out var v) ? v.ToString() : null);
    }

    [Theory]
    [InlineData("nodes")]
    [InlineData("nodes?q=web&component=server&state=Dead&version=0.29.4&outdated=true&sort=LastSeen&desc=1")]
    [InlineData("nodes?state=&sort=&outdated=0&desc=false")]
    [InlineData("nodes?state=%20stale%20")]
    public void ParseStrict_SensibleValues_TheSameQueryAsThePageAndNoError(string url)
    {
        var (query, errors) = ParseStrict(url);

        Assert.Empty(errors);
        Assert.Equal(Parse(url), query);
    }

    [Theory]
    [InlineData("nodes?state=sleeping", "state")]
    [InlineData("nodes?state=0", "state")]
    [InlineData("nodes?state=live,dead", "state")]
    [InlineData("nodes?sort=age", "sort")]
    [InlineData("nodes?sort=3", "sort")]
    [InlineData("nodes?sort=identity,state", "sort")]
    [InlineData("nodes?outdated=yes", "outdated")]
    [InlineData("nodes?desc=maybe", "desc")]
    public void ParseStrict_WhatThePageIgnores_IsAnErrorNamingTheParameter(string url, string parameter)
    {
        var (_, errors) = ParseStrict(url);

        Assert.Equal([parameter], errors.Keys);
        Assert.NotEmpty(Assert.Single(errors[parameter]));
        // The page ignores the value: its reading is the unfiltered default list.
        Assert.Equal(new NodeQuery(), Parse(url));
    }

    [Fact]
    public void ParseStrict_ErrorText_ListsWhatTheParameterTakes()
    {
        var (_, errors) = ParseStrict("nodes?state=sleeping&sort=age");

        Assert.Equal("Unknown state; one of: live, stale, dead, stopped.", errors["state"][0]);
        Assert.Equal("Unknown sort; one of: identity, component, version, state, lastseen.", errors["sort"][0]);
    }
}
