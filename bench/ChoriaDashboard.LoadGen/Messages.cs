using ChoriaDashboard.Events;
using ChoriaDashboard.TestKit;
using NATS.Client.Core;

namespace ChoriaDashboard.LoadGen;

/// <summary>A message encoded before the clock starts: publishing it costs the generator nothing but the write.</summary>
internal sealed record Msg(string Subject, NatsHeaders? Headers, byte[] Body);

/// <summary>
/// Builds pre-encoded Choria traffic from TestKit's <see cref="TestEvents"/> (fixed ids and timestamps, so every run
/// sends the same bytes) with the app's own <see cref="ChoriaEventEncoder"/>: every node keeps one wire
/// shape (25 % legacy, 15 % CloudEvents binary, 60 % CloudEvents structured, as the demo fleet), and one node in five
/// runs a nagios check whose state and transitions go out as machine events.
/// </summary>
internal static class Messages
{
    public const string Version = "0.29.4";
    private static readonly string[] Sites = ["ams1", "lon2", "nyc3", "sin1", "fra4"];
    private static readonly DateTimeOffset Epoch = TestEvents.Epoch;

    public static string Identity(int i, string prefix = "node") => $"{prefix}{i:000000}.{Sites[i % Sites.Length]}.example.net";

    public static WireFormat FormatOf(int i) => (i % 20) switch
    {
        < 5 => WireFormat.Legacy,
        < 8 => WireFormat.CloudEventBinary,
        _ => WireFormat.CloudEventStructured,
    };

    /// <summary>Machine events are always CloudEvents: binary for binary nodes, structured otherwise.</summary>
    private static WireFormat MachineFormatOf(int i) => FormatOf(i) == WireFormat.CloudEventBinary ? WireFormat.CloudEventBinary : WireFormat.CloudEventStructured;

    public static bool HasChecks(int i) => i % 5 == 0;

    public static Msg Startup(int i, string prefix = "node", string version = Version) =>
        Encode(TestEvents.Startup(Identity(i, prefix), version, id: IdOf(i, 1)), FormatOf(i));

    public static Msg StartupFor(string identity, WireFormat format) =>
        Encode(TestEvents.Startup(identity, Version) with { Timestamp = DateTimeOffset.UtcNow }, format);

    /// <summary>An alive repeats its id and timestamp, as go-choria's does, so one encoding serves every round.</summary>
    public static Msg Alive(int i, string prefix = "node") =>
        Encode(TestEvents.Alive(Identity(i, prefix), Version, id: IdOf(i, 1)), FormatOf(i));

    public static Msg Nagios(int i, int code, string prefix = "node")
    {
        var state = TestEvents.Nagios(Identity(i, prefix), "check_load", code, instance: IdOf(i, 2));
        return Encode(state with
        {
            Plugin = "/usr/lib64/nagios/plugins/check_load",
            Output = $"LOAD {state.Status} - load average: 0.12, 0.10, 0.09 | load1=0.12;5;10;0",
            RuntimeSeconds = 0.012,
            PerfData = [new NagiosPerfData("load1", 0.12, "")],
            History = [new NagiosHistoryItem(Epoch, 0), new NagiosHistoryItem(Epoch.AddMinutes(5), code)],
        }, MachineFormatOf(i), IdOf(i, 3));
    }

    public static Msg Transition(int i, int code, string prefix = "node")
    {
        static string Name(int c) => c switch { 0 => "ok", 1 => "warning", 2 => "critical", _ => "unknown" };
        var transition = TestEvents.Transition(
            Identity(i, prefix), "check_load", from: Name(code == 0 ? 1 : 0), to: Name(code), transition: code == 0 ? "OK" : "WARNING", instance: IdOf(i, 2));
        return Encode(transition, MachineFormatOf(i), IdOf(i, 4));
    }

    /// <summary>Startups for nodes [0, n): the storm.</summary>
    public static Msg[] Startups(int n, string prefix = "node") => Build(n, i => Startup(i, prefix));

    /// <summary>One alive per node for nodes [0, n).</summary>
    public static Msg[] Alives(int n, string prefix = "node") => Build(n, i => Alive(i, prefix));

    /// <summary>
    /// One steady interval of traffic: every node's alive, plus a nagios state for nodes with checks and a transition for
    /// one in ten of those. Interleaved by node so the traffic is spread evenly over the interval.
    /// </summary>
    public static Msg[] SteadyCycle(int n, string prefix = "node")
    {
        var list = new List<Msg>(n + (n / 4));
        for (var i = 0; i < n; i++)
        {
            list.Add(Alive(i, prefix));
            if (HasChecks(i))
            {
                list.Add(Nagios(i, i % 50 == 0 ? 1 : 0, prefix));
                if (i % 50 == 0)
                {
                    list.Add(Transition(i, 1, prefix));
                }
            }
        }

        return [.. list];
    }

    /// <summary>
    /// <paramref name="count"/> messages over nodes [0, n): 70 % alive, 5 % startup, 18 % nagios state, 7 % transition,
    /// each node in its own shape. Deterministic.
    /// </summary>
    public static Msg[] Mixed(int count, int n, string prefix = "node")
    {
        // Encode each distinct message once and reference it again: a mixed batch of 300,000 holds ~4 distinct per node.
        var cache = new Dictionary<(int Node, int Kind), Msg>();
        var result = new Msg[count];
        var random = new Random(7);
        for (var j = 0; j < count; j++)
        {
            var node = random.Next(n);
            var roll = random.Next(100);
            var kind = roll < 70 ? 0 : roll < 75 ? 1 : roll < 93 ? 2 : 3;
            if (!cache.TryGetValue((node, kind), out var msg))
            {
                msg = kind switch
                {
                    0 => Alive(node, prefix),
                    1 => Startup(node, prefix),
                    2 => Nagios(node, node % 13 == 0 ? 2 : 0, prefix),
                    _ => Transition(node, node % 2, prefix),
                };
                cache[(node, kind)] = msg;
            }

            result[j] = msg;
        }

        return result;
    }

    public static double AverageBytes(IReadOnlyList<Msg> messages)
    {
        long total = 0;
        foreach (var m in messages)
        {
            total += m.Body.Length + m.Subject.Length + (m.Headers?.Sum(h => h.Key.Length + h.Value.ToString().Length + 4) ?? 0);
        }

        return messages.Count == 0 ? 0 : (double)total / messages.Count;
    }

    public static string Describe(IReadOnlyList<Msg> messages)
    {
        var legacy = messages.Count(m => m.Headers is null && m.Body.AsSpan().StartsWith("{\"protocol\""u8));
        var binary = messages.Count(m => m.Headers is not null);
        var structured = messages.Count - legacy - binary;
        var machine = messages.Count(m => !m.Subject.StartsWith(ChoriaSubjects.LifecyclePrefix, StringComparison.Ordinal));
        return $"{messages.Count:N0} msgs, {AverageBytes(messages):0} B avg: {legacy:N0} legacy, {structured:N0} CE structured, {binary:N0} CE binary; {machine:N0} machine events";
    }

    private static Msg[] Build(int n, Func<int, Msg> make)
    {
        var result = new Msg[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = make(i);
        }

        return result;
    }

    private static string IdOf(int i, int salt) => new Guid(i, (short)salt, 0x4000, 0x80, 0, 0, 0, 0, 0, 0, (byte)(i % 251)).ToString();

    /// <summary>Any event in <paramref name="format"/>, ready to publish.</summary>
    public static Msg Of(ChoriaEvent evt, WireFormat format) => Encode(evt, format);

    private static Msg Encode(ChoriaEvent evt, WireFormat format, string? ceId = null)
    {
        var wire = ChoriaEventEncoder.Encode(evt, format, ceId);
        NatsHeaders? headers = null;
        if (wire.Headers is { } h)
        {
            headers = [];
            foreach (var (key, value) in h)
            {
                headers[key] = value;
            }
        }

        return new Msg(wire.Subject, headers, wire.Body);
    }
}
