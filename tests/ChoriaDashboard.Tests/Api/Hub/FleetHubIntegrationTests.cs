using System.Globalization;
using System.Text.Json;
using ChoriaDashboard.Api;
using ChoriaDashboard.Api.Hub;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using ChoriaDashboard.Tests.Integration;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Api.Hub;

/// <summary>
/// The hub through the whole path: a real nats-server, the real app on Kestrel, real SignalR clients (the .NET client,
/// and a raw WebSocket one that stalls): what a client receives after events are published.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class FleetHubIntegrationTests(NatsServerFixture nats) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private DashboardFactory _app = default!;
    private TestPublisher _publisher = default!;
    private HttpClient _http = default!;

    public async Task InitializeAsync()
    {
        _app = new DashboardFactory(
            nats.Url,
            new Dictionary<string, string?>
            {
                ["Hub:UpdateInterval"] = "00:00:00.050",
                // Small parts, so a snapshot and a round of changes of a few dozen nodes come in several.
                ["Hub:NodesPerMessage"] = "10",
                ["Fleet:SubscriberBufferSize"] = "32",
                // A stalled client falls behind after four rounds waiting for it.
                ["Hub:ClientBacklog"] = "4",
                // The stalled client sends no pings while it is stalled.
                ["Hub:ClientTimeout"] = "00:05:00",
            },
            kestrel: true);
        _app.StartServer();
        _http = new HttpClient { BaseAddress = _app.ServerAddress };
        await FleetApiIntegrationTests.WaitReadyAsync(_http);
        _publisher = new TestPublisher(nats.Url);
    }

    public async Task DisposeAsync()
    {
        await _publisher.DisposeAsync();
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Startup_Published_ArrivesAsChangesWithTheNodeAndItsComponent()
    {
        await using var client = await (await HubRecorder.ConnectAsync(_app.ServerAddress)).StreamAsync();
        var identity = $"hub-{Guid.NewGuid():N}.example.net";

        await _publisher.PublishAsync(Startup(identity, "0.29.4"), WireFormat.CloudEventStructured);
        await _publisher.FlushAsync();

        var changes = await client.UntilAsync(m => HubRecorder.Kind(m) == "changes" && HubRecorder.NodeIdentities(m).Contains(identity), $"{identity} in changes");
        var node = changes.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("identity").GetString() == identity);
        // The node in the export's shape: the same fields in the same order.
        Assert.Equal(NodeExport.Columns, node.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("server", "0.29.4", "live", "startup"), (node.GetProperty("component").GetString(), node.GetProperty("version").GetString(), node.GetProperty("state").GetString(), node.GetProperty("lastEvent").GetString()));
        var server = changes.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("component").GetString() == "server");
        Assert.Equal(1, server.GetProperty("live").GetInt32());
        Assert.True(changes.GetProperty("last").GetBoolean());
        Assert.Equal(["kind", "revision", "resynchronised", "part", "last", "components", "nodes", "removed"], changes.EnumerateObject().Select(p => p.Name));
        // The components as /api/fleet has them at the same revision.
        var fleet = await FleetApiIntegrationTests.GetFleetAsync(_http);
        if (fleet.GetProperty("version").GetInt64() == changes.GetProperty("revision").GetInt64())
        {
            Assert.Equal(fleet.GetProperty("components").GetRawText(), changes.GetProperty("components").GetRawText());
        }
    }

    [Fact]
    public async Task AliveThatChangesNothingButLastSeen_IsNotSentWhileAChangeBehindItIs()
    {
        await using var client = await (await HubRecorder.ConnectAsync(_app.ServerAddress)).StreamAsync();
        var heard = $"heard-{Guid.NewGuid():N}.example.net";
        var upgraded = $"upgraded-{Guid.NewGuid():N}.example.net";
        await _publisher.PublishAsync(Startup(heard, "0.29.4"), WireFormat.Legacy);
        await _publisher.PublishAsync(Startup(upgraded, "0.29.4"), WireFormat.Legacy);
        await _publisher.FlushAsync();
        // The two startups may come in one round or in two: wait until the client holds both.
        await Eventually.TrueAsync(() => client.Nodes.ContainsKey($"{heard}/server") && client.Nodes.ContainsKey($"{upgraded}/server"), Timeout, "both startups");
        var seen = client.Messages.Count;

        // Applied in order: any round holding the first alive comes no later than the one holding the second.
        await _publisher.PublishAsync(Alive(heard, "0.29.4"), WireFormat.Legacy);
        await _publisher.PublishAsync(Alive(upgraded, "0.29.5"), WireFormat.Legacy);
        await _publisher.FlushAsync();
        await client.UntilAsync(m => HubRecorder.NodeIdentities(m).Contains(upgraded) && m.ToString().Contains("0.29.5", StringComparison.Ordinal), "the upgrade");

        Assert.DoesNotContain(client.Messages.Skip(seen), m => HubRecorder.NodeIdentities(m).Contains(heard));
    }

    [Fact]
    public async Task Snapshot_FleetOfMoreNodesThanAMessageHolds_ComesInPartsWithEveryNode()
    {
        var identities = Enumerable.Range(0, 25).Select(i => Identity(i, $"snap-{Guid.NewGuid():N}-")).ToList();
        foreach (var identity in identities)
        {
            await _publisher.PublishAsync(Startup(identity), WireFormat.Legacy);
        }

        await _publisher.FlushAsync();
        await Eventually.TrueAsync(async () => (await FleetApiIntegrationTests.GetFleetAsync(_http)).GetProperty("totals").GetProperty("nodes").GetInt32() >= 25, Timeout, "25 nodes");

        await using var client = await (await HubRecorder.ConnectAsync(_app.ServerAddress)).StreamAsync();

        var snapshot = client.Messages.TakeWhile(m => HubRecorder.Kind(m) == "snapshot").ToList();
        Assert.Equal([1, 2, 3], snapshot.Select(m => m.GetProperty("part").GetInt32()));
        Assert.Equal([false, false, true], snapshot.Select(m => m.GetProperty("last").GetBoolean()));
        Assert.All(snapshot, m => Assert.InRange(m.GetProperty("nodes").GetArrayLength(), 0, 10));
        Assert.Subset(snapshot.SelectMany(HubRecorder.NodeIdentities).ToHashSet(), identities.ToHashSet());
    }

    [Fact]
    public async Task ComponentFilter_OtherComponentPublished_SendsOnlyTheFiltersComponent()
    {
        await using var filtered = await (await HubRecorder.ConnectAsync(_app.ServerAddress)).StreamAsync(ChoriaComponents.ProvisionModeServer);
        await using var everything = await (await HubRecorder.ConnectAsync(_app.ServerAddress)).StreamAsync();
        var server = $"srv-{Guid.NewGuid():N}.example.net";
        var provisioning = $"prov-{Guid.NewGuid():N}.example.net";

        // The server first: once the provisioning node has arrived, the server's changes would have arrived before it.
        await _publisher.PublishAsync(Startup(server), WireFormat.Legacy);
        await _publisher.FlushAsync();
        await everything.UntilAsync(m => HubRecorder.NodeIdentities(m).Contains(server), "the server node on the unfiltered stream");
        await _publisher.PublishAsync(Startup(provisioning, component: ChoriaComponents.ProvisionModeServer), WireFormat.Legacy);
        await _publisher.FlushAsync();

        await filtered.UntilAsync(m => HubRecorder.NodeIdentities(m).Contains(provisioning), "the provisioning node on the filtered stream");
        await everything.UntilAsync(m => HubRecorder.NodeIdentities(m).Contains(provisioning), "the provisioning node on the unfiltered stream");
        Assert.DoesNotContain(filtered.Messages, m => HubRecorder.NodeIdentities(m).Contains(server));
        Assert.All(filtered.Messages.SelectMany(m => m.GetProperty("components").EnumerateArray()), c => Assert.Equal(ChoriaComponents.ProvisionModeServer, c.GetProperty("component").GetString()));
        Assert.All(filtered.Nodes.Values, n => Assert.Equal(ChoriaComponents.ProvisionModeServer, n.GetProperty("component").GetString()));
    }

    [Fact]
    public async Task ProvisionedNode_RunsAsAServer_ItsProvisioningEntryArrivesAsRemoved()
    {
        await using var client = await (await HubRecorder.ConnectAsync(_app.ServerAddress)).StreamAsync();
        var identity = $"prov-{Guid.NewGuid():N}.example.net";
        await _publisher.PublishAsync(Startup(identity, component: ChoriaComponents.ProvisionModeServer), WireFormat.Legacy);
        await _publisher.PublishAsync(Shutdown(identity, ChoriaComponents.ProvisionModeServer), WireFormat.Legacy);
        await _publisher.FlushAsync();
        await client.UntilAsync(m => m.GetProperty("nodes").EnumerateArray().Any(n => n.GetProperty("identity").GetString() == identity && n.GetProperty("state").GetString() == "stopped"), "the provisioning entry stopped");

        // Provisioning ends with a startup as a server: the stopped provisioning entry goes.
        await _publisher.PublishAsync(Startup(identity), WireFormat.Legacy);
        await _publisher.FlushAsync();

        var removal = await client.UntilAsync(m => HubRecorder.RemovedIdentities(m).Contains(identity), $"{identity} removed");
        Assert.Equal(ChoriaComponents.ProvisionModeServer, removal.GetProperty("removed").EnumerateArray().Single(r => r.GetProperty("identity").GetString() == identity).GetProperty("component").GetString());
        await Eventually.TrueAsync(() => client.Nodes.ContainsKey($"{identity}/server") && !client.Nodes.ContainsKey($"{identity}/{ChoriaComponents.ProvisionModeServer}"), Timeout, "the client's fleet to have the server and not the provisioning entry");
    }

    [Fact]
    public async Task StalledClient_FallsBehind_GetsAFreshSnapshotAndIsCountedWhileOthersAndIngestKeepUp()
    {
        var counts = _app.Services.GetRequiredService<FleetHubClients>();
        await using var reader = await (await HubRecorder.ConnectAsync(_app.ServerAddress)).StreamAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var stalled = await StalledHubClient.OpenAsync(_app.ServerAddress, cancel.Token);
        var first = await stalled.ReadItemAsync(cancel.Token);
        Assert.Equal("snapshot", HubRecorder.Kind(first));
        var nodes = Enumerable.Range(0, 200).Select(i => Identity(i, $"stall-{Guid.NewGuid():N}-")).ToList();
        var published = 0L;
        var accepted0 = (await FleetApiIntegrationTests.GetFleetAsync(_http)).GetProperty("ingest").GetProperty("accepted").GetInt64();

        // The stalled client reads nothing more. Rounds of changes to 200 nodes (each restarts), each paced by the reading client seeing
        // it, until the stalled one has fallen behind: its sends block, its backlog of rounds fills, its feed drops the backlog.
        for (var round = 0; counts.FellBehind == 0; round++)
        {
            Assert.True(round < 500, "the stalled client never fell behind");
            var marker = $"round-{round}-{Guid.NewGuid():N}";
            foreach (var node in nodes)
            {
                // Restarts, which change the node (an alive would only be heard, and the hub does not send those).
                await _publisher.PublishAsync(Startup(node), WireFormat.Legacy);
            }

            await _publisher.PublishAsync(Startup(marker), WireFormat.Legacy);
            published += nodes.Count + 1;
            await _publisher.FlushAsync();
            await Eventually.TrueAsync(() => reader.Nodes.ContainsKey($"{marker}/server"), Timeout, $"the reading client to see round {round}");
        }

        // The reading client kept up all along: never resynchronised, it has every node the fleet has.
        var last = $"last-{Guid.NewGuid():N}";
        await _publisher.PublishAsync(Startup(last), WireFormat.Legacy);
        published++;
        await _publisher.FlushAsync();
        await Eventually.TrueAsync(() => reader.Nodes.ContainsKey($"{last}/server"), Timeout, "the reading client to see the last node");
        Assert.DoesNotContain(reader.Messages, m => m.GetProperty("resynchronised").GetBoolean());
        // Ingest took every event, however stuck the stalled client was.
        var fleet = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(_http),
            f => f.GetProperty("ingest").GetProperty("accepted").GetInt64() - accepted0 == published,
            Timeout,
            $"{published} more accepted events");
        Assert.Equal(0, fleet.GetProperty("ingest").GetProperty("rejected").GetInt64());
        Assert.Equal(fleet.GetProperty("totals").GetProperty("nodes").GetInt32(), reader.Nodes.Count);

        // The stalled client reads again: what was still in flight, then one fresh snapshot in place of its backlog.
        JsonElement item;
        do
        {
            item = await stalled.ReadItemAsync(cancel.Token);
        }
        while (!(HubRecorder.Kind(item) == "snapshot" && item.GetProperty("resynchronised").GetBoolean()));

        var snapshotNodes = HubRecorder.NodeIdentities(item).ToHashSet();
        while (!item.GetProperty("last").GetBoolean())
        {
            item = await stalled.ReadItemAsync(cancel.Token);
            snapshotNodes.UnionWith(HubRecorder.NodeIdentities(item));
        }

        Assert.Contains(last, snapshotNodes);
        Assert.Subset(snapshotNodes, nodes.ToHashSet());
        Assert.True(counts.Resynchronised >= 1, $"resynchronised {counts.Resynchronised}");
        Assert.True(counts.FellBehind >= counts.Resynchronised);
    }

    [Fact]
    public async Task SecondStream_OnOneConnection_IsRefusedAndCountedAndTheFirstGoesOn()
    {
        var counts = _app.Services.GetRequiredService<FleetHubClients>();
        await using var client = await (await HubRecorder.ConnectAsync(_app.ServerAddress)).StreamAsync();

        var second = client.Connection.StreamAsync<JsonElement>("Fleet", (string[]?)null);
        var error = await Assert.ThrowsAsync<HubException>(async () => await second.GetAsyncEnumerator().MoveNextAsync());

        Assert.Contains("one Fleet stream per connection", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, counts.Refused);
        var identity = $"after-{Guid.NewGuid():N}";
        await _publisher.PublishAsync(Startup(identity), WireFormat.Legacy);
        await _publisher.FlushAsync();
        await client.UntilAsync(m => HubRecorder.NodeIdentities(m).Contains(identity), "the first stream to go on");
    }

    [Fact]
    public async Task Metrics_TwoClientsStreamingAndARefusedCall_AreWhatTheScrapeSays()
    {
        await using var first = await (await HubRecorder.ConnectAsync(_app.ServerAddress)).StreamAsync();
        await using var second = await (await HubRecorder.ConnectAsync(_app.ServerAddress)).StreamAsync(ChoriaComponents.Server);
        var refused = first.Connection.StreamAsync<JsonElement>("Fleet", (string[]?)null);
        await Assert.ThrowsAsync<HubException>(async () => await refused.GetAsyncEnumerator().MoveNextAsync());

        var scrape = await _http.GetStringAsync("/metrics");

        var samples = scrape.Split('\n').Where(l => l.StartsWith("choria_dashboard_hub_", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("choria_dashboard_hub_clients 2", samples);
        Assert.Contains("choria_dashboard_hub_streams 2", samples);
        Assert.Contains("choria_dashboard_hub_refused_calls_total 1", samples);
        Assert.Contains("choria_dashboard_hub_streams_fell_behind_total 0", samples);
        // Two filters (all, and server only): two feeds.
        Assert.Contains("choria_dashboard_hub_feeds 2", samples);

        var hub = (await FleetApiIntegrationTests.GetFleetAsync(_http)).GetProperty("hub");
        Assert.Equal(
            (2, 2, 2, 0L, 1L),
            (hub.GetProperty("connections").GetInt32(), hub.GetProperty("streams").GetInt32(), hub.GetProperty("feeds").GetInt32(),
             hub.GetProperty("fellBehind").GetInt64(), hub.GetProperty("refusedCalls").GetInt64()));
    }

    [Fact]
    public async Task ManyClientsOfOneFilter_AllGetTheSameChanges_FromOneFeed()
    {
        var clients = new List<HubRecorder>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                clients.Add(await (await HubRecorder.ConnectAsync(_app.ServerAddress)).StreamAsync(ChoriaComponents.Server));
            }

            var identity = Identity(0, $"shared-{Guid.NewGuid():N}-");
            await _publisher.PublishAsync(Startup(identity), WireFormat.Legacy);
            await _publisher.PublishAsync(Startup(identity, "0.30.0"), WireFormat.CloudEventStructured);
            await _publisher.FlushAsync();

            foreach (var client in clients)
            {
                await Eventually.TrueAsync(
                    () => client.Nodes.TryGetValue($"{identity}/server", out var node) && node.GetProperty("version").GetString() == "0.30.0",
                    Timeout,
                    "every client to see the node upgraded");
            }

            Assert.Equal(1, _app.Services.GetRequiredService<FleetHubClients>().Feeds);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }

        await Eventually.TrueAsync(() => _app.Services.GetRequiredService<FleetHubClients>().Feeds == 0, Timeout, "the feed to stop with its last client");
    }

    [Theory]
    [InlineData("Security:MaxHubConnectionsPerClient", 429)]
    [InlineData("Hub:MaxConnections", 503)]
    public async Task ConnectionsPastTheLimit_AreRefusedWithTheStatusAndCountedWhileTheOthersGoOn(string setting, int status)
    {
        await using var app = new DashboardFactory(nats.Url, new Dictionary<string, string?> { [setting] = "2" }, kestrel: true);
        app.StartServer();
        using var http = new HttpClient { BaseAddress = app.ServerAddress };
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        await using var first = await (await HubRecorder.ConnectAsync(app.ServerAddress)).StreamAsync();
        await using var second = await (await HubRecorder.ConnectAsync(app.ServerAddress)).StreamAsync();

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => HubRecorder.ConnectAsync(app.ServerAddress));

        Assert.Equal(status, (int?)refused.StatusCode);
        var reason = status == 429 ? "too_many_hub_connections" : "hub_full";
        var scrape = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains(scrape.Split('\n'), l => l.StartsWith("choria_dashboard_refused_requests_total{", StringComparison.Ordinal) && l.Contains($"reason=\"{reason}\"", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal));

        // The two open connections go on: a node published now reaches both.
        await using var publisher = new TestPublisher(nats.Url);
        var identity = Identity(0, $"capped-{Guid.NewGuid():N}-");
        await publisher.PublishAsync(Startup(identity), WireFormat.Legacy);
        await publisher.FlushAsync();
        await Eventually.TrueAsync(() => first.Nodes.ContainsKey($"{identity}/server") && second.Nodes.ContainsKey($"{identity}/server"), Timeout, "both open clients to see the node");

        // One goes; a new one may come.
        await second.DisposeAsync();
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    await (await HubRecorder.ConnectAsync(app.ServerAddress)).DisposeAsync();
                    return true;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            Timeout,
            "a connection to be allowed once one closed");
    }

    [Theory]
    [InlineData("")]
    [InlineData("server", " ")]
    public async Task BlankComponentInTheFilter_IsRefusedWithTheReason(params string[] components)
    {
        await using var client = await HubRecorder.ConnectAsync(_app.ServerAddress);

        var stream = client.Connection.StreamAsync<JsonElement>("Fleet", components);
        var error = await Assert.ThrowsAsync<HubException>(async () => await stream.GetAsyncEnumerator().MoveNextAsync());

        Assert.Contains("components: a name may not be blank", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _app.Services.GetRequiredService<FleetHubClients>().Refused);
    }

    [Fact]
    public async Task TooManyComponentsInTheFilter_IsRefusedNamingTheSetting()
    {
        await using var client = await HubRecorder.ConnectAsync(_app.ServerAddress);

        var stream = client.Connection.StreamAsync<JsonElement>("Fleet", Enumerable.Range(0, 65).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray());
        var error = await Assert.ThrowsAsync<HubException>(async () => await stream.GetAsyncEnumerator().MoveNextAsync());

        Assert.Contains("Hub:MaxFilterComponents", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HubConnections_ApiLimitedToOneRequestAMinute_AreNotCountedAgainstIt()
    {
        await using var app = new DashboardFactory(nats.Url, new Dictionary<string, string?> { ["Security:ApiRequestsPerMinute"] = "1" }, kestrel: true);
        app.StartServer();
        using var http = new HttpClient { BaseAddress = app.ServerAddress };

        var clients = new List<HubRecorder>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                clients.Add(await (await HubRecorder.ConnectAsync(app.ServerAddress)).StreamAsync());
            }

            using var first = await http.GetAsync(new Uri("/api/fleet", UriKind.Relative));
            using var second = await http.GetAsync(new Uri("/api/fleet", UriKind.Relative));

            // Three connections, each a negotiate and a WebSocket, and /api still has its one request left.
            Assert.Equal((System.Net.HttpStatusCode.OK, System.Net.HttpStatusCode.TooManyRequests), (first.StatusCode, second.StatusCode));
            Assert.All(clients, c => Assert.Equal("snapshot", HubRecorder.Kind(c.Messages[0])));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Client_Goes_ItsStreamAndSubscriptionEnd()
    {
        var counts = _app.Services.GetRequiredService<FleetHubClients>();
        var client = await (await HubRecorder.ConnectAsync(_app.ServerAddress)).StreamAsync();
        Assert.Equal((1, 1), (counts.Connected, counts.Streams));

        await client.DisposeAsync();

        await Eventually.TrueAsync(() => counts.Connected == 0 && counts.Streams == 0, Timeout, "the connection and its stream to be gone");
    }
}
