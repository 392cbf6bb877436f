using System.Globalization;

namespace ChoriaDashboard.LoadGen;

/// <summary>
/// What a steady load through broker faults came to, once a marker alive published after the load is in the view (so
/// every alive before it was received or lost): the counts against what was published, and the worst stale and dead
/// counts the reader saw after the fleet was seeded. Shared by the restarts and the cluster failover faults.
/// </summary>
internal sealed record SteadyLoadTally(long Published, long Received, long Accepted, long Rejected, long Allowed, int MaxStale, int MaxDead, int Readings, FleetReadout End)
{
    /// <summary>Published but never received (what the broker dropped while the app could not hear).</summary>
    public long Lost => Published - Received;

    /// <summary>
    /// Publishes the marker with <paramref name="publishMarker"/>, waits for it and for the writer to have applied
    /// everything received, then counts against the <paramref name="seeded"/> reading. <paramref name="inGap"/> says
    /// whether an alive published at that moment (on the run's clock) fell in a gap the app could not hear.
    /// </summary>
    public static async Task<SteadyLoadTally> AfterMarkerAsync(Func<Task> publishMarker, FleetWatch watch, long nodes, TimeSpan seededAt, FleetReadout seeded, IReadOnlyList<TimeSpan> sent, Func<TimeSpan, bool> inGap, TimeSpan timeout)
    {
        await publishMarker();
        await watch.UntilAsync(s => s.Nodes == nodes + 1, timeout, "the marker to be in the view");
        var end = (await watch.UntilAsync(s => s.QueueLength == 0 && s.Processed >= s.Received, timeout, "the writer to have applied everything received")).State;
        var readings = watch.Readings.Where(x => x.At >= seededAt).ToList();
        return new SteadyLoadTally(
            sent.Count,
            end.Received - seeded.Received - 1,
            end.Accepted - seeded.Accepted - 1,
            end.Rejected - seeded.Rejected,
            sent.Count(inGap),
            readings.Max(x => x.State.Stale),
            readings.Max(x => x.State.Dead),
            readings.Count,
            end);
    }

    /// <summary>
    /// The figures and checks both faults report: counts, loss, the worst reading, and the view at the end.
    /// <paramref name="lossCheck"/> names the loss check; <paramref name="around"/> what the allowed loss was published
    /// around ("outages", "gaps").
    /// </summary>
    public void Report(FaultSection section, FaultApp app, long nodes, TimeSpan killSlack, string lossCheck, string around)
    {
        section.Figure("alives published / received by the app / accepted", $"{Published:N0} / {Received:N0} / {Accepted:N0}");
        section.Figure("lost (published, never received)", string.Create(CultureInfo.InvariantCulture, $"{Lost:N0}; published from {killSlack.TotalMilliseconds:0} ms before a kill until the app was subscribed again: {Allowed:N0}"));
        section.Figure("worst seen by the 20 ms reader: stale, dead nodes", $"{MaxStale}, {MaxDead} ({Readings:N0} readings)");
        section.Figure("app RSS at the end, peak", $"{Fmt.MB(app.Memory.Rss)}, {Fmt.MB(app.Memory.Peak)}");

        section.Check("nothing counted twice", Accepted == Received && Rejected == 0, $"received {Received:N0}, accepted {Accepted:N0}, rejected {Rejected:N0}");
        section.Check(lossCheck, Lost >= 0 && Lost <= Allowed, $"lost {Lost:N0} ≤ {Allowed:N0} published around the {around}");
        section.Check("no false stale or dead, ever", MaxStale == 0 && MaxDead == 0 && End.Live == nodes + 1, $"worst {MaxStale} stale, {MaxDead} dead; {End.Live:N0} of {nodes + 1:N0} live at the end");
        section.Check("the view current again at the end", End.IsCurrent, End.Reason ?? "current");
    }
}
