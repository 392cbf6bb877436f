using ChoriaDashboard.Events;
using ChoriaDashboard.Ingest;
using ChoriaDashboard.Simulation;
using Microsoft.Extensions.Primitives;
using Xunit;

namespace ChoriaDashboard.Tests.Simulation;

public sealed class DemoFleetTests
{
    private const string OldVersion = "0.29.3";
    private const string NewVersion = "0.29.4";

    /// <summary>Whole seconds, as Choria's timestamps are, so encoded events decode to the same instant.</summary>
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Step = TimeSpan.FromSeconds(1);

    [Fact]
    public void Tick_SameSeed_SendsTheSameEvents()
    {
        var options = Options(nodes: 100, crash: 50, restart: 50, upgrade: 200, checks: 50);

        var first = Run(new DemoFleet(options, Start), TimeSpan.FromMinutes(3));
        var second = Run(new DemoFleet(options, Start), TimeSpan.FromMinutes(3));

        Assert.NotEmpty(first);
        Assert.Equal(first.Select(Describe), second.Select(Describe));
    }

    [Fact]
    public void Tick_DifferentSeed_SendsDifferentEvents()
    {
        var options = Options(nodes: 100, crash: 50, restart: 50, upgrade: 200, checks: 50);

        var first = Run(new DemoFleet(options, Start), TimeSpan.FromMinutes(1));
        var other = Run(new DemoFleet(Options(nodes: 100, crash: 50, restart: 50, upgrade: 200, checks: 50, seed: 7), Start), TimeSpan.FromMinutes(1));

        Assert.NotEqual(first.Select(Describe), other.Select(Describe));
    }

    [Fact]
    public void Tick_AfterTheStartupSpread_EveryNodeSentOneStartup()
    {
        var options = Options(nodes: 300);
        var fleet = new DemoFleet(options, Start);

        var events = fleet.Tick(Start + options.StartupSpread).OfType<LifecycleEvent>().ToArray();

        var startups = events.OfType<StartupEvent>().ToArray();
        Assert.Equal(300, fleet.NodeCount);
        Assert.Equal(fleet.Identities.Order(StringComparer.Ordinal), startups.Select(s => s.Identity).Order(StringComparer.Ordinal));
        Assert.All(startups, s => Assert.Contains(s.Version, new[] { OldVersion, NewVersion }));
        Assert.All(startups, s => Assert.Equal(Start + options.StartupSpread, s.Timestamp));
        Assert.Equal(300, startups.Select(s => s.Id).Distinct().Count());
        Assert.DoesNotContain(events, e => e is AliveEvent or UpgradedEvent);
    }

    [Fact]
    public void Tick_BeforeTheStartupSpreadEnds_OnlySomeNodesHaveStarted()
    {
        var options = Options(nodes: 300);
        var fleet = new DemoFleet(options, Start);

        var early = fleet.Tick(Start + options.StartupSpread / 2).OfType<StartupEvent>().Count();
        var rest = fleet.Tick(Start + options.StartupSpread).OfType<StartupEvent>().Count();

        Assert.InRange(early, 1, 299);
        Assert.Equal(300, early + rest);
    }

    [Fact]
    public void Tick_ProvisionModeNode_StartsProvisionsShutsDownThenStartsAsServer()
    {
        var options = Options(nodes: 300);
        var fleet = new DemoFleet(options, Start);

        var events = Run(fleet, TimeSpan.FromSeconds(20)).OfType<LifecycleEvent>().ToArray();

        var provisioning = events.Where(e => e.Component == "provision_mode_server").Select(e => e.Identity).Distinct().ToArray();
        Assert.NotEmpty(provisioning);
        foreach (var identity in provisioning)
        {
            var sequence = events.Where(e => e.Identity == identity).Take(4).Select(e => (e.Type, e.Component)).ToArray();
            Assert.Equal(
                [
                    (LifecycleEventType.Startup, "provision_mode_server"),
                    (LifecycleEventType.Provisioned, "provision_mode_server"),
                    (LifecycleEventType.Shutdown, "provision_mode_server"),
                    (LifecycleEventType.Startup, "server"),
                ],
                sequence);
            Assert.DoesNotContain(events.Where(e => e.Identity == identity).Skip(3), e => e.Component != "server");
        }

        // Every other node only ever runs as a server.
        Assert.All(events.Where(e => !provisioning.Contains(e.Identity)), e => Assert.Equal("server", e.Component));
    }

    [Theory]
    [InlineData(25, 15)]
    [InlineData(50, 50)]
    [InlineData(10, 0)]
    public void Tick_WireFormats_FollowTheConfiguredShares(int legacyPercent, int binaryPercent)
    {
        var options = Options(nodes: 2000, legacy: legacyPercent, binary: binaryPercent);

        var startups = new DemoFleet(options, Start).Tick(Start + options.StartupSpread).OfType<StartupEvent>().ToArray();

        double Share(WireFormat format) => 100.0 * startups.Count(s => s.Format == format) / startups.Length;
        Assert.Equal(2000, startups.Length);
        Assert.InRange(Share(WireFormat.Legacy), legacyPercent - 4, legacyPercent + 4);
        Assert.InRange(Share(WireFormat.CloudEventBinary), binaryPercent - 4, binaryPercent + 4);
        Assert.InRange(Share(WireFormat.CloudEventStructured), 100 - legacyPercent - binaryPercent - 4, 100 - legacyPercent - binaryPercent + 4);
    }

    [Theory]
    [InlineData(100, 0, WireFormat.Legacy)]
    [InlineData(0, 100, WireFormat.CloudEventBinary)]
    [InlineData(0, 0, WireFormat.CloudEventStructured)]
    public void Tick_WholeShare_EveryNodeUsesThatFormat(int legacyPercent, int binaryPercent, WireFormat expected)
    {
        var options = Options(nodes: 200, legacy: legacyPercent, binary: binaryPercent);

        var events = Run(new DemoFleet(options, Start), TimeSpan.FromMinutes(1)).OfType<LifecycleEvent>().ToArray();

        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.Equal(expected, e.Format));
    }

    [Fact]
    public void Tick_NodeKeepsItsWireFormat()
    {
        var events = Run(new DemoFleet(Options(nodes: 200, crash: 100, restart: 100, upgrade: 300), Start), TimeSpan.FromMinutes(3)).OfType<LifecycleEvent>();

        Assert.All(events.GroupBy(e => e.Identity), node => Assert.Single(node.Select(e => e.Format).Distinct()));
    }

    [Fact]
    public void Tick_Alive_RepeatsTheStartupsIdTimestampAndVersion()
    {
        var options = Options(nodes: 50);

        var events = Run(new DemoFleet(options, Start), TimeSpan.FromMinutes(2)).OfType<LifecycleEvent>().ToArray();

        foreach (var node in events.GroupBy(e => e.Identity))
        {
            StartupEvent? startup = null;
            var alives = 0;
            foreach (var evt in node)
            {
                switch (evt)
                {
                    case StartupEvent s:
                        startup = s;
                        break;
                    case AliveEvent a:
                        Assert.NotNull(startup);
                        Assert.Equal(startup.Id, a.Id);
                        Assert.Equal(startup.Timestamp, a.Timestamp);
                        Assert.Equal(startup.Version, a.Version);
                        Assert.Equal(startup.Component, a.Component);
                        alives++;
                        break;
                }
            }

            // Two minutes at a 20 s interval: five or six alives, whatever the first one's random delay.
            Assert.InRange(alives, 5, 6);
        }
    }

    [Fact]
    public void Tick_Alive_ComesEveryAliveInterval()
    {
        var options = Options(nodes: 50);
        var fleet = new DemoFleet(options, Start);
        var sentAt = new Dictionary<string, List<DateTimeOffset>>(StringComparer.Ordinal);

        for (var now = Start; now <= Start + TimeSpan.FromMinutes(3); now += Step)
        {
            foreach (var alive in fleet.Tick(now).OfType<AliveEvent>())
            {
                sentAt.TryAdd(alive.Identity, []);
                sentAt[alive.Identity].Add(now);
            }
        }

        Assert.Equal(50, sentAt.Count);
        var gaps = sentAt.Values.SelectMany(times => times.Zip(times.Skip(1), (a, b) => b - a)).ToArray();
        Assert.NotEmpty(gaps);
        Assert.All(gaps, gap => Assert.InRange(gap, options.AliveInterval - Step, options.AliveInterval + Step));
    }

    [Fact]
    public void Tick_HighDisruptionRates_UpgradeShutsDownThenStartsOnTheNewVersion()
    {
        var options = Options(nodes: 200, crash: 100, restart: 100, upgrade: 300);

        var events = Run(new DemoFleet(options, Start), TimeSpan.FromMinutes(10)).OfType<LifecycleEvent>().ToArray();

        var upgraded = events.OfType<UpgradedEvent>().ToArray();
        Assert.NotEmpty(upgraded);
        foreach (var upgrade in upgraded)
        {
            Assert.Equal((OldVersion, NewVersion), (upgrade.Version, upgrade.NewVersion));

            // As go-choria sends it: release_update runs only in provisioning mode.
            Assert.Equal(ChoriaComponents.ProvisionModeServer, upgrade.Component);
            var after = events.Where(e => e.Identity == upgrade.Identity).SkipWhile(e => !ReferenceEquals(e, upgrade)).Skip(1).Take(2).ToArray();
            var shutdown = Assert.IsType<ShutdownEvent>(after[0]);
            Assert.Equal(upgrade.Timestamp, shutdown.Timestamp);
            if (after.Length > 1)
            {
                var startup = Assert.IsType<StartupEvent>(after[1]);
                Assert.Equal(NewVersion, startup.Version);
            }
        }

        // Once on the new version, a node never reports the old one again.
        foreach (var node in events.GroupBy(e => e.Identity))
        {
            var versions = node.Select(VersionOf).OfType<string>().SkipWhile(v => v == OldVersion);
            Assert.DoesNotContain(OldVersion, versions);
        }
    }

    [Fact]
    public void Tick_HighDisruptionRates_NodesCrashSilentlyAndRestartGracefully()
    {
        var options = Options(nodes: 200, crash: 100, restart: 100, upgrade: 300);

        var events = Run(new DemoFleet(options, Start), TimeSpan.FromMinutes(10)).OfType<LifecycleEvent>().ToArray();

        var silentCrashes = 0;
        var gracefulRestarts = 0;
        foreach (var node in events.GroupBy(e => e.Identity))
        {
            LifecycleEvent? previousLifecycleChange = null;
            foreach (var evt in node.Where(e => e is StartupEvent or ShutdownEvent or UpgradedEvent))
            {
                if (evt is StartupEvent && previousLifecycleChange is StartupEvent)
                {
                    silentCrashes++;
                }

                if (evt is ShutdownEvent && previousLifecycleChange is StartupEvent && evt.Component == "server")
                {
                    gracefulRestarts++;
                }

                previousLifecycleChange = evt;
            }
        }

        Assert.True(silentCrashes > 10, $"only {silentCrashes} silent crashes");
        Assert.True(gracefulRestarts > 10, $"only {gracefulRestarts} graceful restarts");
    }

    [Fact]
    public void Tick_NoDisruptionRates_NobodyCrashesOrUpgrades()
    {
        var events = Run(new DemoFleet(Options(nodes: 200), Start), TimeSpan.FromMinutes(10)).OfType<LifecycleEvent>().ToArray();

        Assert.DoesNotContain(events, e => e is UpgradedEvent);
        Assert.Equal(200, events.OfType<StartupEvent>().Count(s => s.Component == "server"));
    }

    [Fact]
    public void Tick_NodesWithChecks_SendNagiosStatesAndTransitions()
    {
        var events = Run(new DemoFleet(Options(nodes: 50, checks: 100), Start), TimeSpan.FromMinutes(2));

        var nagios = events.OfType<NagiosWatcherState>().ToArray();
        Assert.NotEmpty(nagios);
        Assert.Contains(events, e => e is MachineTransitionEvent);
        Assert.All(nagios, n => Assert.Equal(n.Status, n.StatusCode switch { 0 => "OK", 1 => "WARNING", 2 => "CRITICAL", 5 => "NOTCHECKED", _ => "UNKNOWN" }));
        Assert.All(nagios, n => Assert.NotEqual(WireFormat.Legacy, n.Format));

        // As Scout does: each check announces itself as not checked yet before its first result.
        foreach (var check in nagios.GroupBy(n => (n.Identity, n.Machine)))
        {
            var first = check.First();
            Assert.Equal(("NOTCHECKED", NagiosStatus.NotChecked, null, ""), (first.Status, first.Health, first.CheckTime, first.Output));
            Assert.DoesNotContain(check.Skip(1), n => n.Health == NagiosStatus.NotChecked);
        }
    }

    [Fact]
    public void Tick_NoChecks_SendsNoMachineEvents()
    {
        var events = Run(new DemoFleet(Options(nodes: 50, checks: 0), Start), TimeSpan.FromMinutes(2));

        Assert.DoesNotContain(events, e => e is MachineEvent);
    }

    [Fact]
    public void Tick_TimeGoingBackwards_SendsNothingNew()
    {
        var options = Options(nodes: 50, crash: 1000, restart: 1000, upgrade: 1000);
        var fleet = new DemoFleet(options, Start);
        _ = fleet.Tick(Start + TimeSpan.FromMinutes(1));

        Assert.Empty(fleet.Tick(Start));
    }

    [Fact]
    public void EveryDemoEvent_EncodedInItsFormat_DecodesToTheSameEvent()
    {
        var options = Options(nodes: 60, crash: 100, restart: 100, upgrade: 300, checks: 100);
        var decoder = new ChoriaEventDecoder(new IngestOptions());

        var events = Run(new DemoFleet(options, Start), TimeSpan.FromMinutes(4));

        Assert.Equal(
            [typeof(AliveEvent), typeof(MachineTransitionEvent), typeof(NagiosWatcherState), typeof(ProvisionedEvent), typeof(ShutdownEvent), typeof(StartupEvent), typeof(UpgradedEvent)],
            events.Select(e => e.GetType()).Distinct().OrderBy(t => t.Name, StringComparer.Ordinal));
        Assert.Equal(3, events.Select(e => e.Format).Distinct().Count());
        foreach (var evt in events)
        {
            var message = ChoriaEventEncoder.Encode(evt, evt.Format);
            var headers = message.Headers?.ToDictionary(h => h.Key, h => new StringValues(h.Value), StringComparer.Ordinal);

            var result = decoder.Decode(message.Body, headers);

            Assert.True(result.IsSuccess, $"{Describe(evt)}: {result}");
            var decoded = result.Event!;
            Assert.Equal(Describe(evt), Describe(decoded));
            Assert.Equal((evt.Id, evt.Protocol), (decoded.Id, decoded.Protocol));
        }
    }

    private static DemoOptions Options(int nodes, int crash = 0, int restart = 0, int upgrade = 0, int checks = 0, int legacy = 25, int binary = 15, int seed = 42) => new()
    {
        Nodes = nodes,
        AliveInterval = TimeSpan.FromSeconds(20),
        StartupSpread = TimeSpan.FromSeconds(5),
        LegacyPercent = legacy,
        BinaryPercent = binary,
        ChecksPercent = checks,
        CrashPerMille = crash,
        RestartPerMille = restart,
        UpgradePerMille = upgrade,
        OldVersion = OldVersion,
        NewVersion = NewVersion,
        Seed = seed,
    };

    /// <summary>Ticks every simulated second for <paramref name="duration"/>, as the demo service would.</summary>
    private static List<ChoriaEvent> Run(DemoFleet fleet, TimeSpan duration)
    {
        var events = new List<ChoriaEvent>();
        for (var now = Start + Step; now <= Start + duration; now += Step)
        {
            events.AddRange(fleet.Tick(now));
        }

        return events;
    }

    private static string? VersionOf(LifecycleEvent evt) => evt switch
    {
        StartupEvent s => s.Version,
        AliveEvent a => a.Version,
        _ => null,
    };

    /// <summary>What a dashboard sees of an event, without the random ids.</summary>
    private static string Describe(ChoriaEvent evt)
    {
        var detail = evt switch
        {
            StartupEvent s => $"{s.Component} {s.Version}",
            AliveEvent a => $"{a.Component} {a.Version}",
            UpgradedEvent u => $"{u.Component} {u.Version}->{u.NewVersion}",
            LifecycleEvent l => l.Component,
            MachineTransitionEvent t => $"{t.Machine} {t.MachineVersion} {t.Transition} {t.FromState}->{t.ToState}",
            NagiosWatcherState n => $"{n.Machine} {n.Name} {n.Plugin} {n.Status} {n.StatusCode} {n.Output} {n.CheckTime:O} {n.RuntimeSeconds} "
                + string.Join(",", n.PerfData.Select(p => $"{p.Label}={p.Value}{p.Unit}")) + " " + string.Join(",", n.History.Select(h => $"{h.Executed:O}:{h.StatusCode}")),
            _ => evt.GetType().Name,
        };
        return $"{evt.GetType().Name} {evt.Id} {evt.Identity} {evt.Timestamp.UtcDateTime:O} {evt.Format} {detail}";
    }
}
