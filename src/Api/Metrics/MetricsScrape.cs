using System.Text;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Api.Metrics;

/// <summary>
/// Writes one <c>/metrics</c> body: tally's families (counters from <see cref="TallyRecorder"/>, <c>_versions</c> from
/// the fleet's summary), each with <c>active</c> last, read from <see cref="LeaderElection.IsLeader"/> now, so after a
/// failover every family of the new leader says <c>active="1"</c> at once; then the dashboard's own families
/// (<c>choria_dashboard_…</c>), which describe this replica and carry no <c>active</c>.
/// </summary>
public sealed class MetricsScrape(
    IOptions<MetricsOptions> options,
    TallyRecorder recorder,
    LeaderElection election,
    IFleetView fleet,
    IFleetStatus status,
    IEnumerable<DashboardFamily> contributed)
{
    private readonly string _prefix = options.Value.Prefix;

    /// <summary>The body in the text format 0.0.4 (<see cref="Exposition.ContentType"/>).</summary>
    public string Write()
    {
        var active = election.IsLeader ? "1" : "0";
        var text = new Exposition();
        var summary = fleet.Summary;
        foreach (var component in summary.Components)
        {
            recorder.Known(component.Component);
        }

        foreach (var family in TallyFamilies.All)
        {
            if (family == TallyFamilies.Versions)
            {
                WriteVersions(text, summary, active);
            }
            else
            {
                WriteTally(text, family, active);
            }
        }

        WriteDashboard(text, summary, active == "1");
        return text.ToString();
    }

    private void WriteTally(Exposition text, TallyFamily family, string active)
    {
        var series = recorder.Read(family).OrderBy(s => s.Labels, LabelOrder.Instance).ToList();
        if (series.Count == 0)
        {
            // As client_golang: a vector without children writes nothing.
            return;
        }

        var name = _prefix + family.Suffix;
        var labelNames = family.Labels.Append(TallyFamily.Active).ToArray();
        text.Family(name, family.Type, family.Help);
        foreach (var (labels, count, sum) in series)
        {
            var values = labels.Append(active).ToArray();
            if (family.Type == "summary")
            {
                text.Sample(name + "_sum", labelNames, values, sum);
                text.Sample(name + "_count", labelNames, values, count);
            }
            else
            {
                text.Sample(name, labelNames, values, count);
            }
        }
    }

    /// <summary>
    /// Nodes tally would hold, per component and version: live or stale (heard within the dead threshold, not shut
    /// down). A version once seen stays, at 0, as tally's gauge does.
    /// </summary>
    private void WriteVersions(Exposition text, FleetSummary summary, string active)
    {
        var counts = new Dictionary<(string, string), int>();
        foreach (var component in summary.Components)
        {
            if (!recorder.Exports(component.Component))
            {
                continue;
            }

            foreach (var version in component.Versions)
            {
                if (version.Version == VersionCount.Unknown && version.Active == 0)
                {
                    continue;
                }

                recorder.Remember(component.Component, version.Version);
                counts[(component.Component, version.Version)] = version.Active;
            }
        }

        var rows = recorder.RememberedVersions.OrderBy(v => v.Component, StringComparer.Ordinal).ThenBy(v => v.Version, StringComparer.Ordinal).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var family = TallyFamilies.Versions;
        var name = _prefix + family.Suffix;
        string[] labelNames = ["component", "version", TallyFamily.Active];
        text.Family(name, family.Type, family.Help);
        foreach (var (component, version) in rows)
        {
            text.Sample(name, labelNames, [component, version, active], counts.GetValueOrDefault((component, version)));
        }
    }

    private void WriteDashboard(Exposition text, FleetSummary summary, bool leader)
    {
        string[] componentState = ["component", "state"];
        text.Family("choria_dashboard_nodes", "gauge", "Nodes the dashboard holds, by component and state (live, stale, dead, stopped)");
        foreach (var c in summary.Components.OrderBy(c => c.Component, StringComparer.Ordinal))
        {
            foreach (var state in States)
            {
                text.Sample("choria_dashboard_nodes", componentState, [c.Component, StateName(state)], c.Count(state));
            }
        }

        var ingest = status.Ingest;
        text.Family("choria_dashboard_accepted_events_total", "counter", "Events the fleet writer accepted since start, replayed history included")
            .Sample("choria_dashboard_accepted_events_total", [], [], ingest.Accepted);
        text.Family("choria_dashboard_rejected_messages_total", "counter", "Messages rejected since start, by reason");
        foreach (var (reason, count) in ingest.RejectedByReason.OrderBy(r => r.Key))
        {
            text.Sample("choria_dashboard_rejected_messages_total", ["reason"], [SnakeCase(reason.ToString())], count);
        }

        var currency = status.Currency;
        text.Family("choria_dashboard_replaying", "gauge", "1 while history is replayed from Choria Streams, else 0")
            .Sample("choria_dashboard_replaying", [], [], currency.Replay is null ? 0 : 1);
        text.Family("choria_dashboard_replay_progress_ratio", "gauge", "How far the replay of Choria Streams has come, 0 to 1; 1 when no replay runs")
            .Sample("choria_dashboard_replay_progress_ratio", [], [], currency.Replay is { } r ? r.Percent / 100 : 1);
        text.Family("choria_dashboard_broker_connected", "gauge", "1 while connected to the broker, else 0")
            .Sample("choria_dashboard_broker_connected", [], [], status.Broker.State == BrokerState.Connected ? 1 : 0);
        text.Family("choria_dashboard_deaf_seconds_total", "counter", "Seconds cut off from the broker since start, not filled in by a replay")
            .Sample("choria_dashboard_deaf_seconds_total", [], [], Math.Floor(currency.DeafTime.TotalSeconds));
        text.Family("choria_dashboard_fleet_subscriptions", "gauge", "Subscriptions to the fleet's stream open now: each open page and control, live tail, hub feed and reader")
            .Sample("choria_dashboard_fleet_subscriptions", [], [], status.FleetSubscriptions);
        text.Family("choria_dashboard_fleet_subscriptions_lagged_total", "counter", "Times a fleet subscription fell behind Fleet:SubscriberBufferSize updates and got a snapshot instead of its backlog")
            .Sample("choria_dashboard_fleet_subscriptions_lagged_total", [], [], status.FleetSubscriptionLags);
        text.Family("choria_dashboard_metrics_leader", "gauge", "1 when this replica's tally families say active=\"1\" (elected leader, or no Metrics:Election)")
            .Sample("choria_dashboard_metrics_leader", [], [], leader ? 1 : 0);
        text.Family("choria_dashboard_metrics_series_dropped_total", "counter", "New label combinations of tally's families dropped at Metrics:MaxSeries")
            .Sample("choria_dashboard_metrics_series_dropped_total", [], [], recorder.DroppedSeries);

        foreach (var family in contributed)
        {
            text.Family(family.Name, family.Type, family.Help);
            foreach (var (label, value) in family.Read())
            {
                if (family.Label is { } labelName)
                {
                    text.Sample(family.Name, [labelName], [label], value);
                }
                else
                {
                    text.Sample(family.Name, [], [], value);
                }
            }
        }
    }

    private static readonly NodeState[] States = [NodeState.Live, NodeState.Stale, NodeState.Dead, NodeState.Stopped];

    private static string StateName(NodeState state) => state switch
    {
        NodeState.Live => "live",
        NodeState.Stale => "stale",
        NodeState.Dead => "dead",
        _ => "stopped",
    };

    /// <summary><c>TooManyComponents</c> → <c>too_many_components</c>.</summary>
    public static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }

    private sealed class LabelOrder : IComparer<string[]>
    {
        public static readonly LabelOrder Instance = new();

        public int Compare(string[]? x, string[]? y)
        {
            for (var i = 0; i < Math.Min(x!.Length, y!.Length); i++)
            {
                var c = string.CompareOrdinal(x[i], y[i]);
                if (c != 0)
                {
                    return c;
                }
            }

            return x.Length.CompareTo(y.Length);
        }
    }
}
