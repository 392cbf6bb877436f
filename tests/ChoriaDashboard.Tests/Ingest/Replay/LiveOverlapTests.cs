using System.Text;
using ChoriaDashboard.Ingest.Replay;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ChoriaDashboard.Tests.Ingest;

public sealed class LiveOverlapTests
{
    private const string Subject = "choria.lifecycle.event.alive.server";
    private static readonly byte[] Alive = Encoding.UTF8.GetBytes("""{"id":"1","identity":"n1","version":"0.29.4"}""");
    private static readonly byte[] Other = Encoding.UTF8.GetBytes("""{"id":"2","identity":"n2","version":"0.29.4"}""");

    [Fact]
    public void LiveOverlap_LiveFirst_ReplaySkipsItsCopy()
    {
        var overlap = new LiveOverlap(100);
        overlap.Start();

        var liveSkips = overlap.Seen(Subject, Alive, null);
        var replaySkips = overlap.TakeIfSeen(Subject, Alive, null);

        Assert.False(liveSkips);
        Assert.True(replaySkips);
    }

    [Fact]
    public void LiveOverlap_LiveLoopLagsBehindTheReplay_LiveSkipsTheCopyTheReplayApplied()
    {
        var overlap = new LiveOverlap(100);
        overlap.Start();

        // The replay reaches the message first and applies it; the live loop delivers it later.
        var replaySkips = overlap.TakeIfSeen(Subject, Alive, null);
        var liveSkips = overlap.Seen(Subject, Alive, null);
        var liveSkipsNext = overlap.Seen(Subject, Alive, null);

        Assert.False(replaySkips);
        Assert.True(liveSkips);
        Assert.False(liveSkipsNext); // once: a later identical alive is a new one
    }

    [Fact]
    public void LiveOverlap_LiveLoopStillLaggingWhenTheReplayEnds_SkipsTheCopyWithinTheGrace()
    {
        var time = new FakeTimeProvider();
        var overlap = new LiveOverlap(100, time);
        overlap.Start();
        overlap.TakeIfSeen(Subject, Alive, null);
        overlap.TakeIfSeen(Subject, Other, null);
        overlap.Stop();

        Assert.True(overlap.Seen(Subject, Alive, null));
        time.Advance(LiveOverlap.LagGrace + TimeSpan.FromSeconds(1));
        Assert.False(overlap.Seen(Subject, Other, null));
    }

    [Fact]
    public void LiveOverlap_MoreThanMaxOverlapMessages_CountsTheOverflow()
    {
        var overlap = new LiveOverlap(1);
        overlap.Start();
        overlap.TakeIfSeen(Subject, Alive, null);
        overlap.TakeIfSeen(Subject, Other, null);

        Assert.True(overlap.Seen(Subject, Alive, null));
        Assert.False(overlap.Seen(Subject, Other, null));
        Assert.Equal(1, overlap.Overflowed);
    }
}
