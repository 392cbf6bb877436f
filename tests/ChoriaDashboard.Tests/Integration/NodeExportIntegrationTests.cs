using System.Net;
using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>The export endpoints through the real pipeline: the node list's filter and order, as CSV and JSON.</summary>
[Collection(NatsCollection.Name)]
public sealed class NodeExportIntegrationTests(NatsServerFixture nats)
{
    [Fact]
    public async Task Export_FilteredView_ReturnsOnlyMatchingRowsInTheListOrder()
    {
        await using var app = new DashboardFactory(nats.Url);
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        await using var publisher = new TestPublisher(nats.Url);
        await publisher.PublishAsync(Startup("web-10.example.net", "0.29.3"), WireFormat.Legacy);
        await publisher.PublishAsync(Startup("web-2.example.net", "0.29.3"), WireFormat.CloudEventStructured);
        await publisher.PublishAsync(Startup("web-3.example.net", "0.29.4"), WireFormat.CloudEventBinary);
        await publisher.PublishAsync(Startup("=web-1+1", "0.29.3"), WireFormat.Legacy);
        await publisher.PublishAsync(Startup("db-1.example.net", "0.29.3"), WireFormat.Legacy);
        await publisher.FlushAsync();
        await Eventually.TrueAsync(
            async () => (await FleetApiIntegrationTests.GetFleetAsync(http)).GetProperty("totals").GetProperty("nodes").GetInt32() == 5,
            TimeSpan.FromSeconds(20),
            "the nodes to arrive");

        // Not on the newest version (0.29.4), identity contains "web", natural order; a formula-like cell escaped.
        var csvResponse = await http.GetAsync("/export/nodes.csv?q=web&outdated=true&sort=identity");
        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nodes.csv", csvResponse.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var lines = (await csvResponse.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("identity,component,version", lines[0], StringComparison.Ordinal);
        Assert.Equal(["\"'=web-1+1\"", "web-2.example.net", "web-10.example.net"], lines.Skip(1).Select(l => l.Split(',')[0]));

        var json = await http.GetAsync("/export/nodes.json?q=web&outdated=true&sort=identity&desc=true");
        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await json.Content.ReadAsStringAsync());
        Assert.Equal(["web-10.example.net", "web-2.example.net", "=web-1+1"], doc.RootElement.EnumerateArray().Select(r => r.GetProperty("identity").GetString()));
        Assert.All(doc.RootElement.EnumerateArray(), r => Assert.Equal("0.29.3", r.GetProperty("version").GetString()));
    }
}
