using System.Text;
using System.Text.Json.Nodes;
using ChoriaDashboard.Events;
using ChoriaDashboard.TestKit;

namespace ChoriaDashboard.LoadGen;

/// <summary>
/// A flood of hostile messages, each with the rejection the dashboard owes it: malformed JSON, wrong types, unknown kinds,
/// broken CloudEvents envelopes, oversized payloads (past <c>Ingest:MaxPayloadBytes</c>, within the broker's
/// max_payload), hostile strings (markup, invisible and bidi characters, control characters, over-long values) and
/// made-up components (every one new: past <c>Fleet:MaxComponents</c> they are turned away). Per thousand messages a fixed
/// share of each kind, interleaved; the same bytes every run.
/// </summary>
internal static class HostileFlood
{
    /// <summary>Bytes of an oversized message: well past the default <c>Ingest:MaxPayloadBytes</c> (64 KiB).</summary>
    public const int OversizedBytes = 100 * 1024;

    /// <summary>Made-up components per thousand messages; the rest of the thousand are the fixed kinds in <see cref="Kinds"/>.</summary>
    private const int MadeUpPerThousand = 250;

    private static readonly string AliveSubject = ChoriaSubjects.Lifecycle(LifecycleEventType.Alive, ChoriaComponents.Server);

    /// <summary>The flood: <paramref name="count"/> messages, and how many of each rejection reason they should get.</summary>
    /// <param name="maxComponents">The app's <c>Fleet:MaxComponents</c>: that many made-up components are taken as new nodes.</param>
    public static (Msg[] Messages, Dictionary<string, long> Expected, int MadeUpTaken) Build(int count, int maxComponents)
    {
        var kinds = Kinds();
        var slots = new List<(Msg? Msg, string Reason)>(1000);
        foreach (var (msgs, reason, perThousand) in kinds)
        {
            for (var i = 0; i < perThousand; i++)
            {
                slots.Add((msgs[i % msgs.Length], reason));
            }
        }

        for (var i = 0; i < MadeUpPerThousand; i++)
        {
            slots.Add((null, "tooManyComponents"));
        }

        // Interleave: slot k of each thousand is spread, not grouped by kind.
        var order = Enumerable.Range(0, slots.Count).OrderBy(k => (k * 7919) % slots.Count).ToArray();
        var messages = new Msg[count];
        var expected = new Dictionary<string, long>(StringComparer.Ordinal);
        var madeUp = 0;
        for (var j = 0; j < count; j++)
        {
            var (msg, reason) = slots[order[j % order.Length]];
            if (msg is null)
            {
                msg = MadeUpComponent(madeUp++);
                if (madeUp <= maxComponents)
                {
                    // The first new components fit under the cap: they are nodes, not rejections.
                    messages[j] = msg;
                    continue;
                }
            }

            messages[j] = msg;
            expected[reason] = expected.GetValueOrDefault(reason) + 1;
        }

        return (messages, expected, Math.Min(madeUp, maxComponents));
    }

    /// <summary>Every kind but the made-up components: the messages, their rejection reason, and how many per thousand.</summary>
    private static (Msg[] Messages, string Reason, int PerThousand)[] Kinds()
    {
        var alive = Body(TestEvents.Alive("flood.example.net"), WireFormat.Legacy);
        var structured = Body(TestEvents.Alive("flood.example.net"), WireFormat.CloudEventStructured);
        var transition = Body(TestEvents.Transition("flood.example.net", "runner", "idle", "busy", "start"), WireFormat.Legacy);
        return
        [
            (Lifecycle(
                "this is not json",
                alive[..(alive.Length / 2)],
                alive + "}",
                "[" + alive + "]",
                new string('[', 5000) + new string(']', 5000),
                "\u0000\u0001\u0002 binary"), "notJson", 140),
            ([new Msg(AliveSubject, null, [0xff, 0xfe, 0x7b, 0x7d])], "notJson", 10),
            (Lifecycle("{}", """{"hello":"world"}""", Mutate(structured, e => e["source"] = "com.example.billing")), "notChoriaEvent", 50),
            (Lifecycle(
                Mutate(alive, o => o["protocol"] = "io.choria.lifecycle.v1.reboot"),
                Mutate(alive, o => o["protocol"] = "io.choria.lifecycle.v2.alive"),
                Mutate(alive, o => o["protocol"] = "io.choria.sr.v2.age_advisory")), "unknownType", 75),
            ([new Msg(ChoriaSubjects.Transition, null, Encoding.UTF8.GetBytes(Mutate(transition, o => o["protocol"] = "io.choria.machine.v2.transition")))], "unknownType", 25),
            (Lifecycle(Mutate(structured, e => e["specversion"] = "0.3"), Mutate(structured, e => e.Remove("id"))), "invalidCloudEvent", 50),
            (Lifecycle(Mutate(alive, o => o.Remove("identity")), Mutate(alive, o => o.Remove("timestamp"))), "missingField", 50),
            (Lifecycle(
                Mutate(alive, o => o["timestamp"] = "yesterday"),
                Mutate(alive, o => o["identity"] = 42),
                Mutate(alive, o => o["version"] = new JsonObject { ["major"] = 1 })), "wrongType", 100),
            (Lifecycle(
                Mutate(alive, o => o["identity"] = "<script>alert(1)</script>.example.net"),
                Mutate(alive, o => o["identity"] = "web\u200B1.example.net"),
                Mutate(alive, o => o["identity"] = "web1.\u202Eten.elpmaxe"),
                Mutate(alive, o => o["identity"] = "web1\u0007\u001b[31m.example.net"),
                Mutate(alive, o => o["identity"] = new string('a', 300) + ".example.net"),
                Mutate(alive, o => o["component"] = "server\r\n")), "invalidValue", 248),
            (Lifecycle(alive[..^1] + ",\"padding\":\"" + new string('x', OversizedBytes) + "\"}"), "tooLarge", 2),
        ];
    }

    /// <summary>An alive from one made-up component of a real-looking identity, in the three wire shapes in turn.</summary>
    private static Msg MadeUpComponent(int n)
    {
        var component = $"made_up_{n:0000000}";
        var wire = ChoriaEventEncoder.Encode(TestEvents.Alive("flood.example.net", component: component), (WireFormat)(n % 3));
        NATS.Client.Core.NatsHeaders? headers = null;
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

    private static Msg[] Lifecycle(params string[] bodies) => [.. bodies.Select(b => new Msg(AliveSubject, null, Encoding.UTF8.GetBytes(b)))];

    private static string Body(ChoriaEvent evt, WireFormat format) => Encoding.UTF8.GetString(ChoriaEventEncoder.Encode(evt, format).Body);

    private static string Mutate(string json, Action<JsonObject> change)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        change(node);
        return node.ToJsonString();
    }
}
