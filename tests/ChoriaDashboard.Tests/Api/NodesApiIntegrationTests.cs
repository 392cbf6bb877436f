using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using ChoriaDashboard.Tests.Integration;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Api;

/// <summary>
/// The JSON API through the real pipeline, on a fleet fed through a real nats-server and the real ingest: paging, each
/// filter and order of the node list (the same rows as the page and the export), one node's detail, versions, checks,
/// events, and a 400 problem naming each parameter that makes no sense.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class NodesApiIntegrationTests(NatsServerFixture nats) : IAsyncLifetime
{
    /// <summary>Every character a URL path treats specially that an identity may hold (markup and white space are refused at ingest).</summary>
    private const string Hostile = "app/3?q=1#%41+;=.example.net";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private DashboardFactory _app = default!;
    private HttpClient _http = default!;

    public async Task InitializeAsync()
    {
        // About the answers, not the rate limit: the waits below poll.
        _app = new DashboardFactory(nats.Url, new Dictionary<string, string?> { ["Security:ApiRequestsPerMinute"] = "100000" });
        _http = _app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(_http);
        await using var publisher = new TestPublisher(nats.Url);
        await publisher.PublishAsync(Startup("web-1.example.net", "0.29.4"), WireFormat.Legacy);
        await publisher.PublishAsync(Startup("web-2.example.net", "0.29.3"), WireFormat.CloudEventStructured);
        await publisher.PublishAsync(Startup("web-10.example.net", "0.29.3"), WireFormat.CloudEventBinary);
        await publisher.PublishAsync(Startup("db-1.example.net", "0.29.4"), WireFormat.Legacy);
        await publisher.PublishAsync(Startup(Hostile, "0.29.4"), WireFormat.Legacy);
        await publisher.PublishAsync(Startup("web-1.example.net", "0.9.0", component: "provisioner"), WireFormat.Legacy);
        await publisher.FlushAsync();
        await Eventually.TrueAsync(async () => (await GetJsonAsync("/api/nodes")).GetProperty("total").GetInt32() == 6, Timeout, "the six nodes to arrive");
        await publisher.PublishAsync(Shutdown("db-1.example.net"), WireFormat.Legacy);
        await publisher.PublishAsync(Transition("web-1.example.net", "app_deploy", "idle", "deploying", "deploy"), WireFormat.Legacy);
        await publisher.PublishAsync(Nagios("web-1.example.net", "check_disk", 2, "DISK CRITICAL - / at 97%"), WireFormat.Legacy);
        await publisher.PublishAsync(Nagios("web-2.example.net", "check_load", 0, "OK - load 0.1"), WireFormat.Legacy);
        await publisher.FlushAsync();
        await Eventually.TrueAsync(
            async () => (await GetJsonAsync("/api/nodes?state=stopped")).GetProperty("total").GetInt32() == 1
                && (await GetJsonAsync("/api/checks")).GetProperty("total").GetInt32() == 2,
            Timeout,
            "the shutdown and both checks to be applied");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Nodes_Paged_SaysTotalOffsetLimitAndReturnsThatSliceOfTheList()
    {
        var all = await GetJsonAsync("/api/nodes?sort=identity");
        var page = await GetJsonAsync("/api/nodes?sort=identity&offset=2&limit=2");
        var past = await GetJsonAsync("/api/nodes?sort=identity&offset=50");

        Assert.Equal((6, 0, 100), Paging(all));
        Assert.Equal([Hostile, "db-1.example.net", "web-1.example.net", "web-1.example.net", "web-2.example.net", "web-10.example.net"], Identities(all));
        Assert.Equal((6, 2, 2), Paging(page));
        Assert.Equal(["web-1.example.net", "web-1.example.net"], Identities(page));
        Assert.Equal((6, 50, 100), Paging(past));
        Assert.Empty(Identities(past));
    }

    [Fact]
    public async Task Nodes_Items_AreTheExportsItemsForTheSameQuery()
    {
        const string query = "q=web&sort=version&desc=true";

        var api = await GetJsonAsync("/api/nodes?" + query);
        using var export = JsonDocument.Parse(await _http.GetStringAsync("/export/nodes.json?" + query));

        Assert.Equal(
            export.RootElement.EnumerateArray().Select(e => e.GetRawText()),
            api.GetProperty("items").EnumerateArray().Select(e => e.GetRawText()));
        var first = api.GetProperty("items")[0];
        Assert.Equal(
            ["identity", "component", "version", "upgradingTo", "state", "lastSeen", "lastEvent", "firstSeen", "aliveEvery", "aliveIntervals"],
            first.EnumerateObject().Select(p => p.Name));
        Assert.Equal("live", first.GetProperty("state").GetString());
        Assert.Equal("startup", first.GetProperty("lastEvent").GetString());
    }

    [Theory]
    [InlineData("q=WEB-1&sort=identity", "web-1.example.net", "web-1.example.net", "web-10.example.net")]
    [InlineData("component=provisioner", "web-1.example.net")]
    [InlineData("state=stopped", "db-1.example.net")]
    [InlineData("state=LIVE&component=server&sort=identity", Hostile, "web-1.example.net", "web-2.example.net", "web-10.example.net")]
    [InlineData("version=0.29.3&sort=identity", "web-2.example.net", "web-10.example.net")]
    [InlineData("outdated=true&component=server&sort=identity&desc=1", "web-10.example.net", "web-2.example.net")]
    [InlineData("sort=identity&desc=true&component=server", "web-10.example.net", "web-2.example.net", "web-1.example.net", "db-1.example.net", Hostile)]
    [InlineData("sort=state&component=server", "db-1.example.net", Hostile, "web-1.example.net", "web-2.example.net", "web-10.example.net")]
    [InlineData("q=nothing-matches")]
    public async Task Nodes_Filter_ReturnsTheNodesThePageShows(string query, params string[] expected)
    {
        var page = await GetJsonAsync("/api/nodes?" + query);

        Assert.Equal(expected, Identities(page));
        Assert.Equal(expected.Length, page.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("/api/nodes?state=sleeping", "state")]
    [InlineData("/api/nodes?state=1", "state")]
    [InlineData("/api/nodes?sort=age", "sort")]
    [InlineData("/api/nodes?sort=identity,component", "sort")]
    [InlineData("/api/nodes?outdated=maybe", "outdated")]
    [InlineData("/api/nodes?desc=2", "desc")]
    [InlineData("/api/nodes?limit=0", "limit")]
    [InlineData("/api/nodes?limit=100000", "limit")]
    [InlineData("/api/nodes?limit=ten", "limit")]
    [InlineData("/api/nodes?offset=-1", "offset")]
    [InlineData("/api/nodes?offset=99999999999", "offset")]
    [InlineData("/api/checks?status=critical,broken", "status")]
    [InlineData("/api/checks?limit=1001", "limit")]
    [InlineData("/api/events?type=alive,reboot", "type")]
    [InlineData("/api/events?limit=0", "limit")]
    public async Task List_InvalidParameter_Answers400ProblemNamingIt(string url, string parameter)
    {
        using var response = await _http.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal([parameter], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("errors").GetProperty(parameter)[0].GetString()));
        Assert.Contains(parameter, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_SeveralInvalidParameters_NamesEach()
    {
        using var response = await _http.GetAsync("/api/nodes?state=sleeping&sort=age&limit=0&q=web");

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["limit", "sort", "state"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task InvalidRequests_Refused_AreCountedInMetricsWhileValidOnesAreNot()
    {
        using var valid = await _http.GetAsync("/api/nodes?state=live&limit=5");
        using var first = await _http.GetAsync("/api/nodes?state=sleeping");
        using var second = await _http.GetAsync("/api/events?limit=0");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (valid.StatusCode, first.StatusCode, second.StatusCode));
        var scrape = await _http.GetStringAsync("/metrics");
        Assert.Contains("choria_dashboard_refused_requests_total{reason=\"invalid_parameters\"} 2", scrape.Split('\n'));
    }

    [Fact]
    public async Task NodesPage_TheSameNonsense_IsStillIgnored()
    {
        using var response = await _http.GetAsync("/nodes?state=sleeping&sort=age&outdated=maybe");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task NodeDetail_KnownIdentity_ShowsComponentsEventsMachinesAndChecks()
    {
        var node = await GetJsonAsync("/api/nodes/web-1.example.net");

        Assert.Equal("web-1.example.net", node.GetProperty("identity").GetString());
        Assert.Equal(["provisioner", "server"], node.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("component").GetString()).Order(StringComparer.Ordinal));
        Assert.Contains(node.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "startup" && e.GetProperty("detail").GetString() == "0.9.0");
        var machine = Assert.Single(node.GetProperty("machines").EnumerateArray(), m => m.GetProperty("machine").GetString() == "app_deploy");
        Assert.Equal("deploying", machine.GetProperty("state").GetString());
        var check = Assert.Single(node.GetProperty("checks").EnumerateArray());
        Assert.Equal("check_disk", check.GetProperty("check").GetString());
        Assert.Equal("critical", check.GetProperty("status").GetString());
        Assert.Equal("DISK CRITICAL - / at 97%", check.GetProperty("output").GetString());
    }

    [Fact]
    public async Task NodeDetail_HostileIdentityUrlEncoded_IsFound()
    {
        var node = await GetJsonAsync("/api/nodes/" + Uri.EscapeDataString(Hostile));

        Assert.Equal(Hostile, node.GetProperty("identity").GetString());
        Assert.Equal(Hostile, Assert.Single(node.GetProperty("components").EnumerateArray()).GetProperty("identity").GetString());
    }

    [Theory]
    [InlineData("never-seen.example.net")]
    [InlineData("web-1.example.net%20")]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    [InlineData("%3Cscript%3Ealert(1)%3C%2Fscript%3E")]
    public async Task NodeDetail_UnknownIdentity_Answers404Problem(string identity)
    {
        using var response = await _http.GetAsync("/api/nodes/" + identity);

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.DoesNotContain("script", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeDetail_VeryLongIdentity_Answers404ProblemWithoutEchoingIt()
    {
        var identity = new string('x', 4000);

        using var response = await _http.GetAsync("/api/nodes/" + identity);

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.True((await response.Content.ReadAsStringAsync()).Length < 1000, "the problem echoes the identity");
    }

    [Fact]
    public async Task ComponentVersions_Known_NewestFirstWithCounts()
    {
        var versions = await GetJsonAsync("/api/components/server/versions");

        Assert.Equal("server", versions.GetProperty("component").GetString());
        Assert.Equal("0.29.4", versions.GetProperty("newest").GetString());
        Assert.Equal(
            [("0.29.4", 3, 2), ("0.29.3", 2, 2)],
            versions.GetProperty("versions").EnumerateArray().Select(v => (v.GetProperty("version").GetString(), v.GetProperty("nodes").GetInt32(), v.GetProperty("active").GetInt32())));
    }

    [Fact]
    public async Task ComponentVersions_Unknown_Answers404Problem()
    {
        using var response = await _http.GetAsync("/api/components/no-such-component/versions");

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Checks_StatusFilterAndPaging_ReturnTheChecksPageRows()
    {
        var all = await GetJsonAsync("/api/checks");
        var critical = await GetJsonAsync("/api/checks?status=critical");
        var web2 = await GetJsonAsync("/api/checks?identity=web-2.example.net");
        var second = await GetJsonAsync("/api/checks?limit=1&offset=1");

        // Failing first, as on /checks.
        Assert.Equal(["check_disk", "check_load"], all.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("check").GetString()));
        Assert.Equal(["web-1.example.net"], critical.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("identity").GetString()));
        Assert.Equal(["ok"], web2.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("status").GetString()));
        Assert.Equal((2, 1, 1), Paging(second));
        Assert.Equal(["check_load"], second.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("check").GetString()));
    }

    [Fact]
    public async Task Events_FilteredAndLimited_NewestFirst()
    {
        var all = await _http.GetFromJsonAsync<JsonElement>("/api/events");
        var startups = await _http.GetFromJsonAsync<JsonElement>("/api/events?type=startup&component=server&limit=2");
        var web1 = await _http.GetFromJsonAsync<JsonElement>("/api/events?identity=web-1.example.net");

        var sequences = all.EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.OrderDescending(), sequences);
        Assert.Equal(10, sequences.Count);
        Assert.Equal(["shutdown", "state", "transition"], all.EnumerateArray().Take(4).Select(e => e.GetProperty("type").GetString()).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal([Hostile, "db-1.example.net"], startups.EnumerateArray().Select(e => e.GetProperty("identity").GetString()));
        Assert.All(web1.EnumerateArray(), e => Assert.Equal("web-1.example.net", e.GetProperty("identity").GetString()));
        Assert.Equal(4, web1.GetArrayLength());
    }

    private async Task<JsonElement> GetJsonAsync(string url)
    {
        using var response = await _http.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
    }

    private static (int Total, int Offset, int Limit) Paging(JsonElement page) =>
        (page.GetProperty("total").GetInt32(), page.GetProperty("offset").GetInt32(), page.GetProperty("limit").GetInt32());

    private static List<string?> Identities(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("identity").GetString())];
}
