using System.Text;
using System.Text.Json;
using ChoriaDashboard.Tests.Infrastructure;
using ChoriaDashboard.Tests.Integration;
using Xunit;

namespace ChoriaDashboard.Tests.RealShapes;

/// <summary>
/// The two real events an earlier version counted as bad input, exactly as the issue gives them, through a real
/// nats-server and the whole app: accepted, no rejection counted, and the fleet and health counts they mean.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class RealShapeIntegrationTests(NatsServerFixture nats)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>A governor eviction whose identity is an autonomous agent's slot holder (legacy JSON).</summary>
    private const string GovernorEviction =
        """{"protocol":"io.choria.lifecycle.v1.governor","id":"0c6f2d10-1111-4a2b-9c3d-5e6f7a8b9c0d","identity":"Auto Agent  app_deploy#deploy @ web-7.example.net","component":"app_deploy","timestamp":1718000100,"governor":"APP_DEPLOY","sequence":42,"event_type":"evict"}""";

    /// <summary>A Choria 0.16 nagios state: history as bare status codes (the CloudEvent's data).</summary>
    private const string Nagios016 =
        """{"protocol":"io.choria.machine.watcher.nagios.v1.state","identity":"mx-3.example.net","id":"8d1e2f3a-2222-4b5c-8d6e-7f8091a2b3c4","version":"1.0.0","timestamp":1590000000,"type":"nagios","machine":"check_mailq","name":"check","plugin":"/usr/lib64/nagios/plugins/check_mailq -w 5 -c 10","status":"CRITICAL","status_code":2,"output":"CRITICAL: 14 messages in queue | unsent=14;5;10;0","check_time":1590000000,"perfdata":[{"unit":"","label":"unsent","value":14}],"runtime":0.2,"history":[0,0,1,2,2]}""";

    [Fact]
    public async Task GovernorEvictionAndChoria016Nagios_ThroughTheBroker_AcceptedWithNoRejection()
    {
        await using var app = new DashboardFactory(nats.Url);
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        await using var publisher = new TestPublisher(nats.Url);

        // Choria 0.16's CloudEvents carry no datacontenttype.
        var nagios = $$"""{"specversion":"1.0","id":"3c1f7b2e-6a0d-4e59-9f43-1b2c3d4e5f60","source":"io.choria.machine","type":"io.choria.machine.watcher.nagios.v1.state","subject":"mx-3.example.net","time":"2020-05-20T18:40:00Z","data":{{Nagios016}}}""";
        await publisher.PublishRawAsync("choria.lifecycle.event.governor.app_deploy", Encoding.UTF8.GetBytes(GovernorEviction));
        await publisher.PublishRawAsync("choria.machine.watcher.nagios.state", Encoding.UTF8.GetBytes(nagios));
        await publisher.FlushAsync();

        var fleet = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => f.GetProperty("ingest").GetProperty("accepted").GetInt64() == 2,
            Timeout,
            "both real events to be accepted");

        var ingest = fleet.GetProperty("ingest");
        Assert.Equal(0, ingest.GetProperty("rejected").GetInt64());
        Assert.Empty(ingest.GetProperty("rejectedByReason").EnumerateObject());
        Assert.Equal(0, fleet.GetProperty("totals").GetProperty("nodes").GetInt32());
        Assert.Equal(1, fleet.GetProperty("machines").GetInt32());
        // The governor event made no node, and its slot holder is shown exactly as sent.
        var governor = fleet.GetProperty("governor");
        var recent = Assert.Single(governor.GetProperty("recent").EnumerateArray());
        Assert.Equal("Auto Agent  app_deploy#deploy @ web-7.example.net", recent.GetProperty("holder").GetString());
        Assert.Equal(("APP_DEPLOY", "evict", 42UL), (recent.GetProperty("governor").GetString(), recent.GetProperty("eventType").GetString(), recent.GetProperty("sequence").GetUInt64()));
        var count = Assert.Single(governor.GetProperty("counts").EnumerateArray());
        Assert.Equal(1, count.GetProperty("count").GetInt64());

        var health = fleet.GetProperty("health");
        Assert.Equal((1, 0, 0, 0, 0), (Count(health, "critical"), Count(health, "ok"), Count(health, "warning"), Count(health, "unknown"), Count(health, "notChecked")));
    }

    private static int Count(JsonElement health, string name) => health.GetProperty(name).GetInt32();
}
