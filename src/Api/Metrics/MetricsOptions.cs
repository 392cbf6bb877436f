using System.ComponentModel.DataAnnotations;

namespace ChoriaDashboard.Api.Metrics;

/// <summary>The Prometheus endpoint <c>/metrics</c> (section <c>Metrics</c>): tally's families and the dashboard's own.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>The bucket Choria's leader elections campaign in (go-choria <c>lifecycle/tally/tally.go</c>).</summary>
    public const string ElectionBucket = "CHORIA_LEADER_ELECTION";

    /// <summary>Whether <c>/metrics</c> is mapped at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Prefix of tally's families, like tally's <c>--prefix</c> (default <c>choria_tally</c>).</summary>
    public string Prefix { get; set; } = "choria_tally";

    /// <summary>
    /// The components whose lifecycle families are exported, like tally's <c>--component</c>; empty exports every
    /// component. Machine and exec watcher families are exported whatever this says, as tally does.
    /// </summary>
    public string[] Components { get; set; } = [];

    /// <summary>
    /// Most label combinations (series) kept across tally's counter families and remembered versions. Label values are
    /// untrusted text from the wire: a new combination past this is dropped, counted in
    /// <c>choria_dashboard_metrics_series_dropped_total</c> and logged.
    /// </summary>
    [Range(100, 1_000_000)]
    public int MaxSeries { get; set; } = 10_000;

    /// <summary>
    /// Whether a scrape must carry an API key from <c>Auth:ApiKeys</c> (<c>x-api-key</c>, or
    /// <c>Authorization: Bearer</c> as Prometheus' <c>authorization</c> setting sends it). Anonymous when false.
    /// </summary>
    public bool RequireApiKey { get; set; }

    /// <summary>
    /// A campaign (key) in the <c>CHORIA_LEADER_ELECTION</c> bucket: replicas that name the same one elect a leader,
    /// and only the leader's scrape says <c>active="1"</c>. Empty: no election, always active, as tally without
    /// <c>--election</c>.
    /// </summary>
    public string Election { get; set; } = "";

    /// <summary>
    /// The bucket's TTL when the dashboard has to create it (Choria Streams normally does); a campaign runs every
    /// three quarters of the bucket's TTL, as tally's. Between 4 s and 1 h.
    /// </summary>
    public TimeSpan ElectionTtl { get; set; } = TimeSpan.FromSeconds(30);
}
