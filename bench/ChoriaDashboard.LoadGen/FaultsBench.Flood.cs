using System.Diagnostics;
using System.Globalization;

namespace ChoriaDashboard.LoadGen;

/// <summary>Fault 3: a flood of hostile messages at full speed, then the valid fleet.</summary>
internal sealed partial class FaultsBench
{
    /// <summary>The app's default <c>Fleet:MaxComponents</c>, which the flood runs against.</summary>
    private const int MaxComponents = 64;

    private async Task FloodAsync(FaultSection section)
    {
        section.Test = "`MadeUpNamesFloodIntegrationTests` (made-up components and checks around a real fleet, live) and `HostileReplayTests` (oversized, made-up and malformed messages in Choria Streams, replayed); every reason's decoding in `ChoriaEventDecoderRejectionTests`";
        Log.Line($"encoding {o.Flood:N0} hostile messages");
        var (flood, expected, madeUpTaken) = HostileFlood.Build(o.Flood, MaxComponents);
        var oversized = expected.GetValueOrDefault("tooLarge");
        section.Done(
            $"{o.Flood:N0} hostile messages are published as fast as the client writes them, on lifecycle and machine subjects: " +
            "malformed JSON (not JSON, truncated, trailing garbage, an array root, 5,000-deep nesting, control bytes, invalid " +
            "UTF-8), valid JSON that is no Choria event, unknown kinds (`io.choria.lifecycle.v1.reboot`, a v2 protocol, another " +
            "product's, a v2 machine transition), broken CloudEvents envelopes, missing fields, wrong types (a string timestamp, " +
            "a numeric identity, an object version), hostile strings (markup, a zero-width space, a right-to-left override, " +
            $"terminal escapes, a 300-character identity, a component with CR LF), {oversized:N0} oversized messages of " +
            $"{HostileFlood.OversizedBytes / 1024} KiB, and alives of a made-up component each (one new component per message). " +
            $"The app runs with its defaults (`Ingest:MaxPayloadBytes` 64 KiB, `Fleet:MaxComponents` {MaxComponents}, " +
            "`Nats:PendingMessagesLimit` 262,144). Once every message is accounted for, the valid fleet starts: " +
            $"{o.Nodes:N0} startups, at the pace the app takes them.");

        var clock = Stopwatch.StartNew();
        await using var broker = await FaultBroker.StartAsync(_artifacts, "flood");
        await using var app = await FaultApp.StartAsync(o, broker.Url, _artifacts, "flood", ["Replay:Enabled=false"]);
        await using var watch = new FleetWatch(app, clock, TimeSpan.FromMilliseconds(50));
        await using var publisher = new Publisher(broker.Url, "choria-loadgen-flood");
        await publisher.ConnectAsync();
        var idleRss = app.Memory.Rss;

        // RSS sampled through the flood (VmHWM gives the peak; the samples show when).
        using var stopSampling = new CancellationTokenSource();
        var samples = new List<(TimeSpan At, long Rss)>();
        var sampling = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested && !app.Child.HasExited)
            {
                samples.Add((clock.Elapsed, app.Memory.Rss));
                await Task.Delay(100);
            }
        });

        var floodAt = clock.Elapsed;
        var blast = await publisher.BlastAsync(flood);
        await publisher.FlushAsync();
        var accounted = await watch.WaitAsync(s => s.Processed >= o.Flood, Long);
        var (_, afterFlood) = accounted ?? watch.Last;
        var processedIn = (accounted?.At ?? clock.Elapsed) - floodAt;
        var rssAfterFlood = app.Memory.Rss;

        var startups = Messages.Startups(o.Nodes);
        var fleetAt = clock.Elapsed;
        await publisher.WindowedAsync(startups, 1, () => watch.Last.State?.Processed ?? 0, 8192, TimeSpan.FromSeconds(20));
        var fleet = await watch.WaitAsync(s => s.ServerComponent.GetValueOrDefault("total") >= o.Nodes && s.QueueLength == 0, Long);
        var (_, end) = fleet ?? watch.Last;
        await stopSampling.CancelAsync();
        await sampling;
        var (rss, peak) = app.Memory;
        var ready = await app.ReadyAsync();
        var peakAt = samples.Count == 0 ? TimeSpan.Zero : samples.MaxBy(x => x.Rss).At - floodAt;

        var byReason = afterFlood.RejectedByReason;
        var shortfall = expected.Sum(e => e.Value - byReason.GetValueOrDefault(e.Key));
        var wrongReason = expected.Where(e => byReason.GetValueOrDefault(e.Key) > e.Value).Select(e => e.Key)
            .Concat(byReason.Keys.Where(k => k != "dropped" && !expected.ContainsKey(k))).ToList();
        var takenComponents = afterFlood.Accepted;

        section.Figure("flood: published, written in", $"{o.Flood:N0} in {blast.TotalSeconds:0.0} s ({Fmt.Rate(o.Flood / blast.TotalSeconds)}); {Fmt.MB(flood.Sum(m => (long)m.Body.Length))} of bodies");
        section.Figure("flood → every message accounted for (accepted or rejected)", accounted is null ? $"NOT within {Long.TotalMinutes:0} min: {afterFlood.Processed:N0} of {o.Flood:N0}" : $"{processedIn.TotalSeconds:0.0} s ({Fmt.Rate(o.Flood / processedIn.TotalSeconds)})");
        section.Figure("rejected, by reason (expected)", string.Join(", ", expected.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key} {byReason.GetValueOrDefault(e.Key):N0} ({e.Value:N0})")) + $"; dropped {afterFlood.Dropped:N0} (0)");
        section.Figure("accepted from the flood", $"{takenComponents:N0}: the first {madeUpTaken} made-up components, as new nodes (Fleet:MaxComponents)");
        section.Figure("app RSS: idle, after the flood, after the valid fleet", $"{Fmt.MB(idleRss)}, {Fmt.MB(rssAfterFlood)}, {Fmt.MB(rss)}");
        section.Figure("app peak RSS (VmHWM), and when", $"{Fmt.MB(peak)}, {peakAt.TotalSeconds:0.0} s after the flood began");
        section.Figure("valid fleet: startups → all shown", fleet is null ? "NOT within the limit" : $"{o.Nodes:N0} in {(fleet.Value.At - fleetAt).TotalSeconds:0.0} s");

        section.Check("the process stays up and ready", !app.Child.HasExited && ready, $"running: {!app.Child.HasExited}; /readyz 200: {ready}");
        section.Check("every message accounted for", accounted is not null && afterFlood.Processed == o.Flood, $"{afterFlood.Accepted:N0} accepted + {afterFlood.Rejected:N0} rejected = {afterFlood.Processed:N0} of {o.Flood:N0}");
        section.Check("every rejection under its reason", wrongReason.Count == 0 && shortfall == afterFlood.Dropped, wrongReason.Count == 0 ? $"each reason as expected{(afterFlood.Dropped > 0 ? $", less {afterFlood.Dropped:N0} dropped by the client" : "")}" : $"more than expected under: {string.Join(", ", wrongReason)}");
        section.Check("no hostile message became a node but the made-up components under the cap", takenComponents <= madeUpTaken && afterFlood.Nodes == takenComponents && afterFlood.ServerComponent.Count == 0, $"{afterFlood.Nodes:N0} nodes, none of component server");
        section.Check("peak RSS bounded (< 1 GiB)", peak < 1024L * 1024 * 1024, Fmt.MB(peak));
        section.Check("then the valid fleet is exact", end.ServerComponent.GetValueOrDefault("total") == o.Nodes && end.ServerComponent.GetValueOrDefault("live") == o.Nodes && end.Nodes == o.Nodes + takenComponents,
            $"server: {end.ServerComponent.GetValueOrDefault("total"):N0} nodes, {end.ServerComponent.GetValueOrDefault("live"):N0} live, of {o.Nodes:N0}; {end.Nodes:N0} nodes in all");
    }
}
