using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Store;

namespace ChoriaDashboard.Bench.Day;

/// <summary>The simulated day's report (markdown): the hourly table, the bounds, the end checks, and what failed.</summary>
internal sealed class DayReport(
    DayScenario scenario,
    FleetOptions options,
    string optionsSource,
    string command,
    IReadOnlyList<HourFigures> hours,
    DayChecks end,
    NodeListTiming nodeList,
    long eventsSent,
    TimeSpan realTime,
    long subscriberLags,
    long updatesRead,
    IngestCounters counters)
{
    /// <summary>Allowed drift of managed memory from the reference hour.</summary>
    public const double MemoryTolerance = 0.10;

    /// <summary>
    /// The first hour after warm-up: every node's history ring has grown to its full size
    /// (<c>HistoryLength</c> + 2 entries at two alives an hour, plus the hour it takes to be measured). Before it, the
    /// rings double in place as histories fill, which is growth by design, not a leak.
    /// </summary>
    public int ReferenceHour => Math.Min(hours.Count, (int)Math.Ceiling((options.HistoryLength + NodeActivity.Slack) / 2.0) + 1);

    public IReadOnlyList<string> Failures => _failures ??= FindFailures();

    private List<string>? _failures;

    private HourFigures Reference => hours[ReferenceHour - 1];

    private List<string> FindFailures()
    {
        var failures = new List<string>();
        foreach (var h in hours.Where(h => h.Hour >= ReferenceHour))
        {
            var drift = (h.ManagedMb - Reference.ManagedMb) / Reference.ManagedMb;
            if (Math.Abs(drift) > MemoryTolerance)
            {
                failures.Add(F($"managed memory after hour {h.Hour} is {h.ManagedMb:F1} MB, {drift:+0.0%;-0.0%} from {Reference.ManagedMb:F1} MB after hour {ReferenceHour} (allowed ±{MemoryTolerance:0%})"));
            }
        }

        foreach (var h in hours)
        {
            failures.AddRange(h.Bounds.Where(b => !b.Within).Select(b => F($"after hour {h.Hour}: {b.Name} is {b.Size:N0}, over its bound {b.Bound:N0} ({b.Option})")));
            if (h.UpNotLive > 0)
            {
                failures.Add(F($"after hour {h.Hour}: {h.UpNotLive} nodes sending on schedule are not live in the view: {string.Join("; ", h.UpNotLiveEvidence)}"));
            }
        }

        if (end.ForgetDueStillPresent > 0 || end.HostsDueStillPresent > 0)
        {
            failures.Add(F($"{end.ForgetDueStillPresent} of {end.ForgetDue} nodes silent past ForgetAfter are still in the view, and {end.HostsDueStillPresent} of their hosts with checks: {string.Join("; ", end.Evidence)}"));
        }

        if (end.ForgetDue == 0 && hours.Count * TimeSpan.FromHours(1) > options.ForgetAfter + TimeSpan.FromHours(2))
        {
            failures.Add("no node was due to be forgotten: the scenario killed none early enough");
        }

        if (end.NotYetDueMissingOrNotDead > 0)
        {
            failures.Add(F($"{end.NotYetDueMissingOrNotDead} of {end.NotYetDue} nodes silent for 3 h to ForgetAfter are not in the view as dead: {string.Join("; ", end.Evidence)}"));
        }

        if (nodeList.Rows != hours[^1].Entries)
        {
            failures.Add(F($"the node list has {nodeList.Rows:N0} rows, the view {hours[^1].Entries:N0} nodes"));
        }

        if (counters.TotalRejected > 0)
        {
            failures.Add(F($"{counters.TotalRejected} events were rejected"));
        }

        return failures;
    }

    public string ToMarkdown()
    {
        var s = new StringBuilder();
        s.AppendLine(F($"# A simulated day: {scenario.Nodes:N0} nodes, {scenario.Hours} hours"));
        s.AppendLine();
        s.AppendLine(F($"- Command: `{command.Trim()}`"));
        s.AppendLine(F($"- Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}"));
        s.AppendLine(F($"- Date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; real time {realTime.TotalMinutes:F1} min for {eventsSent:N0} events ({counters.Accepted:N0} accepted, {counters.TotalRejected:N0} rejected)"));
        s.AppendLine(F($"- The app's FleetStore (writer loop, sweeps on its timer) on a FakeTimeProvider advanced {scenario.Step.TotalSeconds:F0} s a step, Fleet options from {optionsSource} (StaleAfter {options.StaleAfter}, DeadAfter {options.DeadAfter}, ForgetAfter {options.ForgetAfter}, SweepInterval {options.SweepInterval}, SuspendGap {options.SuspendGap}, BatchDelay {options.BatchDelay.TotalMilliseconds} ms)"));
        s.AppendLine(F($"- Scenario: alives every 30 min at each node's own offset ({scenario.HourlyPercent}% hourly on {SimulatedFleet.HourlyVersion} until upgraded); a nagios check every 5 min on one node in {scenario.CheckEvery} (0.3% of runs start a 1-6 run failure, with a machine transition each way); per hour {scenario.RestartsPerHour} restarts (shutdown, startup 30-60 s later), {scenario.DeathsPerHour} deaths (silent for good), {scenario.NewNodesPerHour} new nodes, {scenario.GovernorEventsPerHour} governor events; a rolling upgrade of every initial node to {SimulatedFleet.NewVersion} (shutdown, startup) from hour {scenario.UpgradeFromHour} to {scenario.UpgradeUntilHour}"));
        s.AppendLine(F($"- One subscriber read the fleet's stream throughout, as an open page does: {updatesRead:N0} updates, fell behind {subscriberLags} times"));
        s.AppendLine();
        s.AppendLine("## After each simulated hour");
        s.AppendLine();
        s.AppendLine(F($"Managed memory is `GC.GetTotalMemory(true)` after a forced, compacting full collection. The reference is hour {ReferenceHour}: the first after every node's history ring has reached its full {options.HistoryLength + NodeActivity.Slack} entries (two alives an hour); before it the rings grow by design. Drift is against it."));
        s.AppendLine();
        s.AppendLine("| Hour | Managed MB | Drift | Working set MB | Nodes | Live | Stale | Dead | Stopped | Hosts | Up, not live | Samples | Tail | News | Longest history | Bounds | Real s |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var h in hours)
        {
            var drift = h.Hour >= ReferenceHour ? F($"{(h.ManagedMb - Reference.ManagedMb) / Reference.ManagedMb:+0.0%;-0.0%}") : "(warm-up)";
            string Size(string option) => h.Bounds.First(b => b.Option == option).Size.ToString("N0", CultureInfo.InvariantCulture);
            s.AppendLine(F($"| {h.Hour} | {h.ManagedMb:F1} | {drift} | {h.WorkingSetMb:F0} | {h.Entries:N0} | {h.Live:N0} | {h.Stale:N0} | {h.Dead:N0} | {h.Stopped:N0} | {h.Hosts:N0} | {h.UpNotLive} | {Size("SeriesLength")} | {Size("EventFeedLength")} | {Size("NotableChangesLength")} | {Size("HistoryLength")} | {(h.Bounds.All(b => b.Within) ? "kept" : "**exceeded**")} | {h.RealTime.TotalSeconds:F1} |"));
        }

        s.AppendLine();
        s.AppendLine("## Histories and buffers against their bounds (largest over the day)");
        s.AppendLine();
        s.AppendLine("| What | Bound (option) | Bound | Largest | After the last hour |");
        s.AppendLine("|---|---|---|---|---|");
        foreach (var b in hours[^1].Bounds)
        {
            var largest = hours.Max(h => h.Bounds.First(x => x.Name == b.Name).Size);
            s.AppendLine(F($"| {b.Name} | {b.Option} | {b.Bound:N0} | {largest:N0} | {b.Size:N0} |"));
        }

        s.AppendLine();
        s.AppendLine("## At the end");
        s.AppendLine();
        s.AppendLine(F($"- Nodes that died (fell silent): {end.Died:N0}. Silent past ForgetAfter ({options.ForgetAfter}) plus a step and a sweep: {end.ForgetDue:N0}, of which forgotten {end.ForgetDueGone:N0}, still present {end.ForgetDueStillPresent:N0}; their hosts with checks forgotten {end.HostsDueGone:N0}, still present {end.HostsDueStillPresent:N0}."));
        s.AppendLine(F($"- Silent for 3 h up to ForgetAfter: {end.NotYetDue:N0}, of which in the view as dead {end.NotYetDueDead:N0}, otherwise {end.NotYetDueMissingOrNotDead:N0}."));
        s.AppendLine(F($"- The node list as `/nodes` computes it (default query: trouble first, then identity in natural order; every row, a new NodeListCache each run so each is a miss), {nodeList.Runs} runs over {nodeList.Rows:N0} nodes: median {nodeList.MedianMs:F1} ms, max {nodeList.MaxMs:F1} ms; first row {nodeList.FirstRow}."));
        s.AppendLine(F($"- Managed memory: hour 1 {hours[0].ManagedMb:F1} MB, hour {ReferenceHour} (reference) {Reference.ManagedMb:F1} MB, hour {hours[^1].Hour} {hours[^1].ManagedMb:F1} MB; after the reference between {hours.Where(h => h.Hour >= ReferenceHour).Min(h => h.ManagedMb):F1} and {hours.Where(h => h.Hour >= ReferenceHour).Max(h => h.ManagedMb):F1} MB."));
        s.AppendLine();
        s.AppendLine("## Checks");
        s.AppendLine();
        if (Failures.Count == 0)
        {
            s.AppendLine(F($"All passed: managed memory within ±{MemoryTolerance:0%} of hour {ReferenceHour} from then on; every history and buffer at or under its bound every hour; every node sending on schedule live every hour; every node silent past ForgetAfter gone with its checks; every node silent for less still shown dead; the node list holds every node; no event rejected."));
        }
        else
        {
            foreach (var failure in Failures)
            {
                s.AppendLine("- FAILED: " + failure);
            }
        }

        return s.ToString();
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
