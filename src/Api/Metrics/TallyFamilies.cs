namespace ChoriaDashboard.Api.Metrics;

/// <summary>One of tally's families: its name after the prefix, its Prometheus type, help text and labels (<c>active</c> is added last).</summary>
public sealed record TallyFamily(string Suffix, string Type, string Help, params string[] Labels)
{
    /// <summary>The label every tally family carries last: 1 on the elected leader (or without an election), else 0.</summary>
    public const string Active = "active";
}

/// <summary>
/// Tally's families, exactly as go-choria <c>lifecycle/tally/stats.go</c> (<c>Recorder.createStats</c>) declares them:
/// names after the prefix, help texts, label order. Counters carry no <c>_total</c> suffix; the summaries have no
/// quantiles (client_golang's default), so only <c>_sum</c> and <c>_count</c>.
/// </summary>
public static class TallyFamilies
{
    public static readonly TallyFamily GoodEvents = new("_good_events", "counter", "The number of successfully parsed events received", "component");

    public static readonly TallyFamily ProcessErrors = new("_process_errors", "counter", "The number of events received that failed to process", "component");

    public static readonly TallyFamily EventTypes = new("_event_types", "counter", "The number events received by type", "component", "type");

    public static readonly TallyFamily Versions = new("_versions", "gauge", "The number of observations for a specific version and component", "component", "version");

    public static readonly TallyFamily ProcessingTime = new("_processing_time", "summary", "The time taken to process events", "component");

    public static readonly TallyFamily MachineTransition = new("_machine_transition", "counter", "Machine state transition", "machine", "version", "transition", "from", "to");

    public static readonly TallyFamily ExecWatcherSuccess = new("_exec_watcher_success", "counter", "Machine exec watcher success runs", "machine", "version", "watcher");

    public static readonly TallyFamily ExecWatcherFailures = new("_exec_watcher_failures", "counter", "Machine exec watcher failure runs", "machine", "version", "watcher");

    public static readonly TallyFamily ExecWatcherRuntime = new("_exec_watcher_runtime", "summary", "Machine exec watcher runtimes", "machine", "version", "watcher");

    public static readonly TallyFamily NodesExpired = new("_nodes_expired", "counter", "The number of nodes that were expired after not receiving alive events", "component");

    public static readonly TallyFamily Governor = new("_governor", "counter", "Choria Governor events", "component", "governor", "event");

    /// <summary>In the order a scrape lists them.</summary>
    public static readonly IReadOnlyList<TallyFamily> All =
    [
        GoodEvents, ProcessErrors, EventTypes, Versions, ProcessingTime, MachineTransition,
        ExecWatcherSuccess, ExecWatcherFailures, ExecWatcherRuntime, NodesExpired, Governor,
    ];
}
