using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Rules;
using ChoriaDashboard.Fleet.Store;
using ChoriaDashboard.TestKit;

namespace ChoriaDashboard.Bench;

/// <summary>Events and fleets the benchmarks share: what a real Choria fleet sends, built with TestKit's <see cref="TestEvents"/>
/// (fixed ids, so every run encodes the same bytes).</summary>
internal static class BenchData
{
    public static readonly DateTimeOffset Epoch = TestEvents.Epoch;

    public static string Identity(int i) => TestEvents.Identity(i);

    public static AliveEvent Alive(int i, string version = "0.29.4") =>
        TestEvents.Alive(Identity(i), version, id: "97a1e885-a3ca-4a67-ad20-00a8821c016a");

    public static StartupEvent Startup(int i, string version = "0.29.4") =>
        TestEvents.Startup(Identity(i), version, id: "d4ad7eeb-970c-4084-b601-0ebc0cf03ef2");

    public static NagiosWatcherState Nagios(int i) =>
        TestEvents.Nagios(Identity(i), "check_load", 0, "OK - load average: 0.12, 0.10, 0.09 | load1=0.12") with
        {
            Plugin = "/usr/lib64/nagios/plugins/check_load",
            RuntimeSeconds = 0.012,
            PerfData = [new NagiosPerfData("load1", 0.12, "")],
            History = [new NagiosHistoryItem(Epoch, 0), new NagiosHistoryItem(Epoch.AddMinutes(5), 0)],
        };

    /// <summary>A fleet of <paramref name="nodes"/> nodes, each started once; a few dead, stale and stopped.</summary>
    /// <summary>The same alive in the three wire shapes, and a structured nagios state: what the decode benchmarks feed.</summary>
    public static WireSamples Samples()
    {
        var alive = Alive(42);
        var binary = ChoriaEventEncoder.Encode(alive, WireFormat.CloudEventBinary);
        return new WireSamples(
            ChoriaEventEncoder.Encode(alive, WireFormat.Legacy).Body,
            ChoriaEventEncoder.Encode(alive, WireFormat.CloudEventStructured).Body,
            binary.Body,
            [.. binary.Headers!.Select(h => new KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>(h.Key, h.Value))],
            ChoriaEventEncoder.Encode(Nagios(42), WireFormat.CloudEventStructured, "7b1a4a34-5c7e-4d0e-9a53-0f4d1e2a9b11").Body);
    }

    public static FleetState Fleet(int nodes, FleetOptions? options = null)
    {
        var state = new FleetState(options ?? new FleetOptions { MaxNodes = 10_000_000 });
        var changes = new FleetChangeSet();
        for (var i = 0; i < nodes; i++)
        {
            state.Apply(Startup(i, i % 3 == 0 ? "0.29.3" : "0.29.4"), Epoch, changes);
            if (i % 1024 == 0)
            {
                changes.Clear();
            }
        }

        // Some nodes fell silent long ago: the sweep turns them stale and dead, as a real fleet has.
        for (var i = 0; i < nodes; i += 97)
        {
            state.Apply(Alive(i), Epoch.AddHours(2), changes);
        }

        changes.Clear();
        state.Sweep(Epoch.AddHours(2).AddMinutes(1), changes);
        changes.Clear();
        return state;
    }
}

/// <summary>Encoded messages for the decode benchmarks.</summary>
internal sealed record WireSamples(
    byte[] Legacy,
    byte[] Structured,
    byte[] BinaryBody,
    KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>[] BinaryHeaders,
    byte[] NagiosStructured);
