using System.Text;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Raw;
using Microsoft.Extensions.Primitives;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet.Raw;

public sealed class RawEventStoreTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Find_CapturedMessage_ReturnsBodySubjectAndHeadersAsReceived()
    {
        var store = new RawEventStore(4096);
        var headers = new Dictionary<string, StringValues> { ["ce-type"] = "io.choria.lifecycle.v1.alive", ["ce-source"] = "io.choria.lifecycle" };
        var body = Encoding.UTF8.GetBytes("{\"identity\":\"n1\",\"version\":\"0.29.4\"}");

        var id = store.Capture("choria.lifecycle.event.alive.server", "n1", WireFormat.CloudEventBinary, At, headers, body);
        var found = store.Find(id);

        var raw = Assert.IsType<RawEvent>(found.Event);
        Assert.Equal(body, raw.Body);
        Assert.Equal("choria.lifecycle.event.alive.server", raw.Subject);
        Assert.Equal(WireFormat.CloudEventBinary, raw.Format);
        Assert.Equal("ce-type: io.choria.lifecycle.v1.alive\nce-source: io.choria.lifecycle\n", raw.Headers);
        Assert.Equal(At, raw.ReceivedAt);
    }

    [Fact]
    public void Find_AfterBudgetIsUsedUp_OldestSaysNoLongerRetainedNewestIsIntact()
    {
        var store = new RawEventStore(8192);
        var ids = new List<long>();
        for (var i = 0; i < 200; i++)
        {
            // 400-byte bodies, about the size of a Choria event: 200 of them wrap the buffer several times.
            ids.Add(store.Capture("s", $"n{i}", WireFormat.Legacy, At.AddSeconds(i), null, Body(i, 400)));
        }

        var oldest = store.Find(ids[0]);
        Assert.False(oldest.Found);
        Assert.True(oldest.Overwritten);

        // The newest that fit in the budget each read back whole, including one split across the buffer's end.
        var fit = store.CapacityBytes / 405;
        Assert.True(fit >= 10, $"only {fit} fit");
        for (var i = 200 - fit; i < 200; i++)
        {
            Assert.Equal(Body(i, 400), store.Find(ids[i]).Event!.Body);
        }
    }

    [Fact]
    public void Capture_MessageLargerThanBudget_IsNotKeptAndDoesNotEvictOthers()
    {
        var store = new RawEventStore(2048);
        var small = store.Capture("s", "n1", WireFormat.Legacy, At, null, Body(1, 50));

        var huge = store.Capture("s", "n2", WireFormat.Legacy, At, null, Body(2, 4000));

        Assert.Equal(0, huge);
        Assert.False(store.Find(huge).Found);
        Assert.False(store.Find(huge).Overwritten);
        Assert.True(store.Find(small).Found);
    }

    [Fact]
    public void Capture_BudgetZero_KeepsNothing()
    {
        var store = new RawEventStore(0);

        var id = store.Capture("s", "n1", WireFormat.Legacy, At, null, Body(1, 10));

        Assert.Equal(0, id);
        Assert.False(store.Find(id).Found);
    }

    [Fact]
    public void Find_IdNeverHandedOut_IsNotCaptured()
    {
        var store = new RawEventStore(1024);
        store.Capture("s", "n1", WireFormat.Legacy, At, null, Body(1, 10));

        Assert.Equal(RawEventLookup.NotCaptured, store.Find(99));
        Assert.Equal(RawEventLookup.NotCaptured, store.Find(-1));
    }

    [Fact]
    public void Find_HostileBytes_ComeBackByteForByteAndAsReplacementText()
    {
        var store = new RawEventStore(1024);
        // Invalid UTF-8, a NUL, markup, a right-to-left override and a zero-width joiner.
        byte[] hostile = [0xff, 0xfe, 0x00, .. Encoding.UTF8.GetBytes("<img src=x onerror=alert(1)></script>\u202Egnp.exe\u200D")];

        var id = store.Capture("s", "n1", WireFormat.Legacy, At, null, hostile);
        var raw = store.Find(id).Event!;

        Assert.Equal(hostile, raw.Body);
        Assert.StartsWith("\uFFFD\uFFFD\0<img src=x onerror=alert(1)></script>\u202Egnp.exe\u200D", raw.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public void FindByIdentityAndTime_FindsTheMessageThatNodeSentThen()
    {
        var store = new RawEventStore(4096);
        store.Capture("s", "n1", WireFormat.Legacy, At, null, Body(1, 20));
        var wanted = store.Capture("s", "n2", WireFormat.Legacy, At, null, Body(2, 20));
        store.Capture("s", "n2", WireFormat.Legacy, At.AddSeconds(1), null, Body(3, 20));

        var found = store.Find("n2", At);

        Assert.Equal(wanted, found.Event!.Id);
        Assert.False(store.Find("n3", At).Found);
    }

    [Fact]
    public void FindByIdentityAndTime_ReceivedBeforeTheFirstCapture_SaysReplayedNotNoLongerRetained()
    {
        var store = new RawEventStore(4096);
        store.Capture("s", "n1", WireFormat.Legacy, At, null, Body(1, 20));

        // A history entry from the replay at start: its receipt time is the stream's, before anything was captured live.
        var lookup = store.Find("n2", At - TimeSpan.FromMinutes(30));

        Assert.False(lookup.Found);
        Assert.True(lookup.WasReplayed);
        Assert.False(lookup.Overwritten);
    }

    [Fact]
    public async Task Capture_FromSeveralLoopsAtOnce_EveryRetainedMessageReadsBackWhole()
    {
        var store = new RawEventStore(64 * 1024);
        var loops = Enumerable.Range(0, 3).Select(loop => Task.Run(() =>
        {
            var ids = new List<(long Id, int Seed)>();
            for (var i = 0; i < 2000; i++)
            {
                var seed = (loop * 10_000) + i;
                ids.Add((store.Capture("s", "n", WireFormat.Legacy, At, null, Body(seed, 64 + (i % 200))), seed));
            }

            return ids;
        })).ToArray();

        var all = (await Task.WhenAll(loops)).SelectMany(x => x).ToArray();

        Assert.Equal(6000, all.Select(x => x.Id).Distinct().Count());
        var retained = all.Where(x => store.Find(x.Id).Found).ToArray();
        Assert.NotEmpty(retained);
        Assert.All(retained, x => Assert.Equal(Body(x.Seed, store.Find(x.Id).Event!.Body.Length), store.Find(x.Id).Event!.Body));
    }

    private static byte[] Body(int seed, int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)('a' + ((seed + i) % 26));
        }

        return bytes;
    }
}
