using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Rules;
using ChoriaDashboard.Fleet.Store;
using ChoriaDashboard.Ingest;

namespace ChoriaDashboard.Bench.Ledger;

/// <summary>
/// Ledger rows for the memory tricks: the live heap a 100,000-node structure keeps, with the trick and with the plain
/// version, each built five times in this process (mean and standard deviation). Run: <c>scripts/bench.sh micro --memory</c>.
/// </summary>
internal static class MemoryLedger
{
    private const int Nodes = 100_000;
    private const int Repeats = 5;

    public static int Run()
    {
        Console.WriteLine($"Live heap kept by {Nodes:N0} nodes, MB (mean ± sd of {Repeats} builds; .NET {Environment.Version}, {Environment.ProcessorCount} cores)");
        Console.WriteLine("| Trick | Plain | Trick | Gain |");
        Console.WriteLine("|---|---|---|---|");
        Row("16-byte history entries (HistoryDetails), 34 entries a node", PlainHistories, PackedHistories);
        Row("SmallDictionary machine maps (2 machines a node) against ImmutableDictionary", PlainMaps, SmallMaps);
        Row("Decoder string pool: one copy of each repeating name and version (Ingest:StringPoolSize 0 against 8192)", () => DecodedFleet(0), () => DecodedFleet(8192));
        return 0;
    }

    private static void Row(string name, Func<object> plain, Func<object> trick)
    {
        var p = Measure(plain);
        var t = Measure(trick);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {p.Mean:F1} ± {p.Sd:F1} | {t.Mean:F1} ± {t.Sd:F1} | {p.Mean - t.Mean:F1} |"));
    }

    private static (double Mean, double Sd) Measure(Func<object> build)
    {
        // One build first, not counted: it pays for what is allocated once per process (JIT, statics, pools).
        Sample(build);
        var samples = new double[Repeats];
        for (var i = 0; i < Repeats; i++)
        {
            samples[i] = Sample(build) / 1_048_576.0;
        }

        var mean = samples.Average();
        return (mean, Math.Sqrt(samples.Sum(s => (s - mean) * (s - mean)) / (Repeats - 1)));
    }

    /// <summary>One build in its own frame, so nothing of the previous build is still referenced when it starts.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Sample(Func<object> build)
    {
        var before = Settle();
        var kept = build();
        var after = Settle();
        GC.KeepAlive(kept);
        return after - before;
    }

    private static long Settle()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private const int HistoryLength = 32;

    private static object PackedHistories()
    {
        var details = new HistoryDetails(1000);
        var activities = new NodeActivity[Nodes];
        for (var n = 0; n < Nodes; n++)
        {
            var activity = activities[n] = new NodeActivity(BenchData.Epoch, LifecycleEventType.Startup, details);
            for (var e = 0; e < HistoryLength + 2; e++)
            {
                activity.Record(BenchData.Epoch, new NodeHistoryEntry(BenchData.Epoch, LifecycleEventType.Alive, WireFormat.Legacy, "0.29.4"), HistoryLength);
            }
        }

        return activities;
    }

    /// <summary>The plain version: a ring of the public 24-byte entries, same growth, same slack.</summary>
    private static object PlainHistories()
    {
        var rings = new NodeHistoryEntry[Nodes][];
        for (var n = 0; n < Nodes; n++)
        {
            NodeHistoryEntry[] ring = new NodeHistoryEntry[4];
            for (var e = 0; e < HistoryLength + 2; e++)
            {
                if (e == ring.Length)
                {
                    Array.Resize(ref ring, Math.Min(ring.Length * 2, HistoryLength + 2));
                }

                ring[e % ring.Length] = new NodeHistoryEntry(BenchData.Epoch, LifecycleEventType.Alive, WireFormat.Legacy, "0.29.4");
            }

            rings[n] = ring;
        }

        return rings;
    }

    private static object SmallMaps() =>
        Enumerable.Range(0, Nodes).Select(_ => SmallDictionary<object>.Empty.SetItem("check_httpd", "a").SetItem("check_load", "b")).ToArray();

    private static object PlainMaps() =>
        Enumerable.Range(0, Nodes).Select(_ => ImmutableDictionary.Create<string, object>(StringComparer.Ordinal).SetItem("check_httpd", "a").SetItem("check_load", "b")).ToArray();

    /// <summary>A fleet built from decoded messages, as the app builds it.</summary>
    private static object DecodedFleet(int stringPoolSize)
    {
        var decoder = new ChoriaEventDecoder(new IngestOptions { StringPoolSize = stringPoolSize });
        var state = new FleetState(new FleetOptions { MaxNodes = 10_000_000 });
        var changes = new FleetChangeSet();
        for (var i = 0; i < Nodes; i++)
        {
            var body = ChoriaEventEncoder.Encode(BenchData.Startup(i, i % 3 == 0 ? "0.29.3" : "0.29.4"), WireFormat.Legacy).Body;
            state.Apply(decoder.Decode(body).Event!, BenchData.Epoch, changes);
            changes.Clear();
        }

        return state;
    }
}
