using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Fleet.Store;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>
/// Whatever Choria Streams hold, the replay cannot take the app down: against a real nats-server whose stream holds
/// oversized messages, a flood of made-up identities and components and malformed data among a real fleet's events,
/// the replay applies the caps and rejections of live ingest, counts each, keeps the valid events around them, and the
/// app keeps serving.
/// </summary>
public sealed class HostileReplayTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>
{
    private const int Real = 20;
    private const int MaxNodes = 120;
    private const int MaxComponents = 4;
    private const int Huge = 25;
    private const int Flood = 500;
    private const int MadeUpComponents = 10;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Malformed bodies on a lifecycle subject, each with the rejection live ingest gives it.</summary>
    private static readonly (string Body, string Reason)[] Malformed =
    [
        ("not json at all", "notJson"),
        ("""{"protocol":"io.choria.lifecycle.v1.alive","identity":""", "notJson"),
        (new string('[', 5000) + new string(']', 5000), "notJson"),
        ("""{"hello":"world"}""", "notChoriaEvent"),
        (Legacy(Alive("<b>x</b>.example.net")), "invalidValue"),
        (Legacy(Alive("web\u200b1.example.net")), "invalidValue"),
    ];

    [Fact]
    public async Task Replay_HostileStreamContent_AppServesCountsEveryRejectionAndKeepsTheValidEventsAroundIt()
    {
        await TestStreams.RecreateAsync(nats.Url);
        var subject = ChoriaSubjects.Lifecycle(LifecycleEventType.Alive, ChoriaComponents.Server);
        await using (var publisher = new TestPublisher(nats.Url))
        {
            for (var i = 0; i < Real; i++)
            {
                await publisher.PublishAsync(Startup(Identity(i, "real"), "1.0.0"), WireFormat.CloudEventStructured);
            }

            // A poisoned event: the fleet writer throws the first time it is handed over (an exception inside the replay).
            await publisher.PublishAsync(Startup("poison.example.net", "1.0.0"), WireFormat.Legacy);
            for (var i = 0; i < MadeUpComponents; i++)
            {
                await publisher.PublishAsync(Alive("components.example.net", "1.0.0", $"made_up_{i}"), WireFormat.Legacy);
            }

            var huge = Encoding.UTF8.GetBytes($$"""{"protocol":"io.choria.lifecycle.v1.alive","identity":"huge.example.net","component":"server","version":"1","timestamp":1,"padding":"{{new string('x', 900_000)}}"}""");
            for (var i = 0; i < Flood; i++)
            {
                if (i % (Flood / Huge) == 0)
                {
                    await publisher.PublishRawAsync(subject, huge);
                    await publisher.FlushAsync();
                }

                await publisher.PublishAsync(Alive(Identity(i, "madeup"), "6.6.6"), (WireFormat)(i % 3));
                var (body, _) = Malformed[i % Malformed.Length];
                await publisher.PublishRawAsync(subject, Encoding.UTF8.GetBytes(body));
            }

            // The real fleet again, after all of it: kept.
            for (var i = 0; i < Real; i++)
            {
                await publisher.PublishAsync(Alive(Identity(i, "real"), "2.0.0"), WireFormat.CloudEventBinary);
            }

            await publisher.FlushAsync();
        }

        var stored = Real + 1 + Huge + (2 * Flood) + MadeUpComponents + Real;
        await Eventually.TrueAsync(async () => await TestStreams.MessagesAsync(nats.Url, ChoriaStreams.Events) == stored, Timeout, $"the {stored} messages to be stored");

        var poison = new PoisonedWriter();
        await using var app = new DashboardFactory(
            nats.Url,
            new Dictionary<string, string?>
            {
                ["Fleet:MaxNodes"] = MaxNodes.ToString(CultureInfo.InvariantCulture),
                ["Fleet:MaxComponents"] = MaxComponents.ToString(CultureInfo.InvariantCulture),
                ["Replay:RetryDelay"] = "00:00:00.100",
            },
            services: s => s.AddSingleton<IFleetWriter>(sp => poison.Wrap(sp.GetRequiredService<FleetStore>())));
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);

        var fleet = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => f.GetProperty("ingest").GetProperty("queueLength").GetInt32() == 0,
            Timeout,
            "the writer to apply the whole replay");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        Assert.True(poison.Thrown);
        Assert.True(fleet.GetProperty("currency").GetProperty("replayInterruptions").GetInt32() >= 1);
        Assert.Equal(JsonValueKind.Null, fleet.GetProperty("currency").GetProperty("historyIncomplete").ValueKind);

        // Every rejection counted by reason, as live ingest counts it: the made-up identities beyond MaxNodes, the
        // made-up components beyond MaxComponents, every oversized and malformed message.
        var admittedFlood = MaxNodes - Real - 1 - MaxComponents;
        var expected = Malformed.GroupBy(m => m.Reason).ToDictionary(g => g.Key, g => (long)(Flood / Malformed.Length * g.Count()));
        foreach (var (reason, extra) in new[] { ("tooLarge", Huge), ("fleetFull", Flood - admittedFlood), ("tooManyComponents", MadeUpComponents - MaxComponents) })
        {
            expected[reason] = expected.GetValueOrDefault(reason) + extra;
        }

        for (var i = 0; i < Flood % Malformed.Length; i++)
        {
            expected[Malformed[i].Reason]++;
        }

        var byReason = fleet.GetProperty("ingest").GetProperty("rejectedByReason").EnumerateObject().ToDictionary(r => r.Name, r => r.Value.GetInt64());
        Assert.Equal(expected.OrderBy(e => e.Key), byReason.OrderBy(e => e.Key));
        Assert.Equal(stored, fleet.GetProperty("ingest").GetProperty("received").GetProperty("replay CHORIA_EVENTS").GetInt64());

        // The real fleet is whole and on its latest version; the poisoned event was applied once it could be.
        var view = app.Services.GetRequiredService<IFleetView>();
        var real = view.Nodes.Values.Where(n => n.Identity.StartsWith("real", StringComparison.Ordinal)).ToList();
        Assert.Equal(Real, real.Count);
        Assert.All(real, n => Assert.Equal("2.0.0", n.Version));
        Assert.Contains(view.Nodes.Values, n => n.Identity == "poison.example.net");
        Assert.Equal(MaxNodes, view.Nodes.Count);
    }

    private static string Legacy(ChoriaEvent evt) => Encoding.UTF8.GetString(ChoriaEventEncoder.Encode(evt, WireFormat.Legacy).Body);

    /// <summary>The fleet writer as the app has it, but failing the first time it is handed the poisoned event.</summary>
    private sealed class PoisonedWriter : IFleetWriter
    {
        private IFleetWriter _inner = default!;
        private int _thrown;

        public bool Thrown => Volatile.Read(ref _thrown) == 1;

        public IFleetWriter Wrap(IFleetWriter inner)
        {
            _inner = inner;
            return this;
        }

        public ValueTask EnqueueAsync(IngestBatch batch, CancellationToken cancellationToken)
        {
            if (Poisoned(batch) && Interlocked.Exchange(ref _thrown, 1) == 0)
            {
                throw new InvalidOperationException("a bug the poisoned event sets off");
            }

            return _inner.EnqueueAsync(batch, cancellationToken);
        }

        private static bool Poisoned(IngestBatch batch)
        {
            foreach (var item in batch.Items)
            {
                if (item.Event.Identity == "poison.example.net")
                {
                    return true;
                }
            }

            return false;
        }

        public ValueTask EnqueueAsync(ChoriaEvent evt, string subject, DateTimeOffset receivedAt, CancellationToken cancellationToken) =>
            _inner.EnqueueAsync(evt, subject, receivedAt, cancellationToken);

        public void ReportBroker(BrokerStatus status) => _inner.ReportBroker(status);

        public void ReportReplay(ReplayStatus status) => _inner.ReportReplay(status);
    }
}
