using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Api.Metrics;

/// <summary>
/// Counts what tally counts (go-choria <c>lifecycle/tally/tally.go</c>), from what the fleet writer tells
/// (<see cref="IFleetObserver"/>): every live event it applied, exactly once; every node it judged dead; every message
/// rejected. History replayed after a restart is not counted, so counters start at 0 with the process, as tally's do.
/// <list type="bullet">
/// <item><c>_good_events</c>, <c>_event_types</c>: every lifecycle event applied (provisioned and upgraded included,
/// as tally counts every event that processed without error).</item>
/// <item><c>_processing_time</c>: per lifecycle event, the seconds the writer spent applying it to the fleet's tables
/// (tally times its own per-event handling; ours excludes decoding and queueing, which happen before the writer).</item>
/// <item><c>_process_errors</c>: messages rejected by the decoder, labelled as tally labels them: the subject's last
/// token for <c>choria.lifecycle.event.*.&lt;component&gt;</c>, <c>transition</c>, <c>exec_watcher</c>. Refusals at
/// the fleet's limits and slow-consumer drops are the dashboard's own (<c>choria_dashboard_rejected_messages_total</c>).</item>
/// <item><c>_nodes_expired</c>: nodes that turned dead (tally: expired after 80 minutes without an alive).</item>
/// <item><c>_exec_watcher_*</c>: exec watcher states with <c>previous_outcome</c> success or error; the runtime from
/// <c>previous_run_time</c> (ns) in seconds. Read from the watcher's kept data (<c>Ingest:MaxWatcherDataBytes</c>).</item>
/// </list>
/// Label combinations are bounded by <c>Metrics:MaxSeries</c>: past it a new one is dropped, counted and logged.
/// </summary>
public sealed partial class TallyRecorder : IFleetObserver
{
    /// <summary>The subject tally reads exec watcher states from (go-choria <c>lifecycle/tally/tally.go</c>).</summary>
    private const string ExecWatcherSubject = "choria.machine.watcher.exec.state";

    private readonly ConcurrentDictionary<TallyFamily, ConcurrentDictionary<string, Series>> _families = new();
    private readonly ConcurrentDictionary<string, (string Component, string Version)> _versions = new(StringComparer.Ordinal);
    private static readonly LifecycleEventType[] LifecycleTypes = Enum.GetValues<LifecycleEventType>();

    /// <summary>
    /// The three series an applied lifecycle event of one component and type counts in, found once: the commonest event
    /// then costs neither label arrays nor a joined key nor three table lookups (see docs/benchmarks.md, issue 23).
    /// Bounded by the fleet's components times the event types; a series refused by <c>Metrics:MaxSeries</c> is not kept.
    /// </summary>
    private readonly ConcurrentDictionary<(string Component, LifecycleEventType Type), LifecycleSeries> _lifecycle = new();

    private readonly ConcurrentDictionary<string, byte> _known = new(StringComparer.Ordinal);
    private readonly HashSet<string>? _components;
    private readonly int _maxSeries;
    private readonly ILogger<TallyRecorder> _logger;
    private readonly TimeProvider _time;
    private int _series;
    private long _dropped;
    private long _lastDropLog = long.MinValue;

    public TallyRecorder(IOptions<MetricsOptions> options, ILogger<TallyRecorder> logger, TimeProvider time)
    {
        _components = options.Value.Components.Length == 0 ? null : new HashSet<string>(options.Value.Components, StringComparer.Ordinal);
        _maxSeries = options.Value.MaxSeries;
        _logger = logger;
        _time = time;
        foreach (var family in TallyFamilies.All)
        {
            _families[family] = new ConcurrentDictionary<string, Series>(StringComparer.Ordinal);
        }
    }

    /// <summary>False to find an applied lifecycle event's series by its labels every time: the plain path, for the ledger's same-run figure.</summary>
    internal bool KnownSeries { get; init; } = true;

    /// <summary>New label combinations refused at <c>Metrics:MaxSeries</c> since start.</summary>
    public long DroppedSeries => Interlocked.Read(ref _dropped);

    /// <summary>Whether <paramref name="component"/>'s lifecycle families are exported (<c>Metrics:Components</c>).</summary>
    public bool Exports(string component) => _components is null || _components.Contains(component);

    public void Applied(ChoriaEvent evt, long handling)
    {
        switch (evt)
        {
            case LifecycleEvent l when Exports(l.Component):
                var seconds = (double)handling / Stopwatch.Frequency;
                if (KnownSeries && _lifecycle.TryGetValue((l.Component, l.Type), out var known))
                {
                    Observe(known.Type, TallyFamilies.EventTypes, 1, observe: true);
                    Observe(known.Good, TallyFamilies.GoodEvents, 1, observe: true);
                    Observe(known.Time, TallyFamilies.ProcessingTime, seconds, observe: true);
                }
                else
                {
                    var type = Add(TallyFamilies.EventTypes, 1, [l.Component, TypeName(l.Type)], observe: true);
                    var good = Add(TallyFamilies.GoodEvents, 1, [l.Component], observe: true);
                    var time = Add(TallyFamilies.ProcessingTime, seconds, [l.Component], observe: true);
                    if (type is not null && good is not null && time is not null)
                    {
                        _lifecycle.TryAdd((l.Component, l.Type), new LifecycleSeries(type, good, time));
                    }
                }

                if (l is GovernorEvent g)
                {
                    Add(TallyFamilies.Governor, 1, g.Component, g.Governor, g.EventTypeName);
                }

                break;
            case MachineTransitionEvent t:
                Add(TallyFamilies.MachineTransition, 1, t.Machine, t.MachineVersion, t.Transition, t.FromState, t.ToState);
                break;
            case WatcherStateEvent { WatcherType: "exec", RawData: { } data } w:
                ExecState(w, data);
                break;
        }
    }

    public void NodeDied(string component)
    {
        if (Exports(component))
        {
            Add(TallyFamilies.NodesExpired, 1, component);
        }
    }

    public void Rejected(RejectionReason reason, string subject)
    {
        if (reason is RejectionReason.Dropped or RejectionReason.FleetFull or RejectionReason.TooManyComponents)
        {
            return;
        }

        string? component = subject switch
        {
            _ when subject.StartsWith(ChoriaSubjects.LifecyclePrefix, StringComparison.Ordinal) => subject[(subject.LastIndexOf('.') + 1)..],
            ChoriaSubjects.Transition => "transition",
            ExecWatcherSubject => "exec_watcher",
            _ => null,
        };
        if (component is not null && (component is "transition" or "exec_watcher" || Exports(component)))
        {
            Add(TallyFamilies.ProcessErrors, 1, component);
        }
    }

    /// <summary>
    /// Starts a component's lifecycle counters at 0 (every event type, good events, errors, expiries, processing time)
    /// once the fleet knows it, so <c>increase()</c> and <c>rate()</c> count its first events too: a series that first
    /// appears at 3 loses those 3 to Prometheus. tally creates a series only at its first increment.
    /// </summary>
    internal void Known(string component)
    {
        if (!Exports(component) || !_known.TryAdd(component, 0))
        {
            return;
        }

        foreach (var type in LifecycleTypes)
        {
            Add(TallyFamilies.EventTypes, 0, component, TypeName(type), observe: false);
        }

        Add(TallyFamilies.GoodEvents, 0, component);
        Add(TallyFamilies.ProcessErrors, 0, component);
        Add(TallyFamilies.NodesExpired, 0, component);
        Add(TallyFamilies.ProcessingTime, 0, component, observe: false);
    }

    /// <summary>Remembers a version seen in the fleet's summary, so its <c>_versions</c> series stays (at 0) once its last node went.</summary>
    internal void Remember(string component, string version)
    {
        var key = string.Concat(component, "\u0000", version);
        if (!_versions.ContainsKey(key) && Reserve() && !_versions.TryAdd(key, (component, version)))
        {
            Interlocked.Decrement(ref _series);
        }
    }

    /// <summary>Versions remembered so far.</summary>
    internal IEnumerable<(string Component, string Version)> RememberedVersions => _versions.Values;

    /// <summary>The series of <paramref name="family"/> now: label values (without <c>active</c>), count, and sum for a summary.</summary>
    public IEnumerable<(string[] Labels, double Count, double Sum)> Read(TallyFamily family)
    {
        foreach (var series in _families[family].Values)
        {
            double count, sum;
            lock (series)
            {
                (count, sum) = (series.Count, series.Sum);
            }

            yield return (series.Labels, count, sum);
        }
    }

    private void ExecState(WatcherStateEvent w, string data)
    {
        string? outcome = null;
        long runtime = 0;
        try
        {
            using var json = JsonDocument.Parse(data);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (json.RootElement.TryGetProperty("previous_outcome", out var o) && o.ValueKind == JsonValueKind.String)
                {
                    outcome = o.GetString();
                }

                if (json.RootElement.TryGetProperty("previous_run_time", out var r) && r.ValueKind == JsonValueKind.Number)
                {
                    r.TryGetInt64(out runtime);
                }
            }
        }
        catch (JsonException)
        {
            return;
        }

        var family = outcome switch
        {
            "success" => TallyFamilies.ExecWatcherSuccess,
            "error" => TallyFamilies.ExecWatcherFailures,
            _ => null,
        };
        if (family is null)
        {
            return;
        }

        Add(family, 1, w.Machine, w.MachineVersion, w.Name);
        Add(TallyFamilies.ExecWatcherRuntime, runtime / 1e9, w.Machine, w.MachineVersion, w.Name);
    }

    private void Add(TallyFamily family, double value, params string[] labels) => Add(family, value, labels, observe: true);

    private void Add(TallyFamily family, double value, string label, bool observe) => Add(family, value, [label], observe);

    private void Add(TallyFamily family, double value, string first, string second, bool observe) => Add(family, value, [first, second], observe);

    /// <param name="observe">False to create the series only: a summary counts no observation.</param>
    /// <returns>The series counted in; null when <c>Metrics:MaxSeries</c> refused it.</returns>
    private Series? Add(TallyFamily family, double value, string[] labels, bool observe)
    {
        var table = _families[family];
        var key = labels.Length == 1 ? labels[0] : string.Join('\u0000', labels);
        if (!table.TryGetValue(key, out var series))
        {
            if (!Reserve())
            {
                return null;
            }

            var created = new Series(labels);
            series = table.GetOrAdd(key, created);
            if (!ReferenceEquals(series, created))
            {
                Interlocked.Decrement(ref _series);
            }
        }

        Observe(series, family, value, observe);
        return series;
    }

    private static void Observe(Series series, TallyFamily family, double value, bool observe)
    {
        lock (series)
        {
            series.Count += family.Type != "summary" ? value : observe ? 1 : 0;
            series.Sum += value;
        }
    }

    /// <summary>Takes one series from the budget, or counts (and now and then logs) one dropped.</summary>
    private bool Reserve()
    {
        if (Interlocked.Increment(ref _series) <= _maxSeries)
        {
            return true;
        }

        Interlocked.Decrement(ref _series);
        var dropped = Interlocked.Increment(ref _dropped);
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastDropLog);
        if ((last == long.MinValue || _time.GetElapsedTime(last, now) >= TimeSpan.FromMinutes(1)) && Interlocked.CompareExchange(ref _lastDropLog, now, last) == last)
        {
            LogDropped(_logger, _maxSeries, dropped);
        }

        return false;
    }

    private static string TypeName(LifecycleEventType type) => type switch
    {
        LifecycleEventType.Startup => "startup",
        LifecycleEventType.Shutdown => "shutdown",
        LifecycleEventType.Alive => "alive",
        LifecycleEventType.Provisioned => "provisioned",
        LifecycleEventType.Upgraded => "upgraded",
        _ => "governor",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "A new metrics series was dropped: Metrics:MaxSeries ({MaxSeries}) label combinations are kept; {Dropped} dropped since start")]
    private static partial void LogDropped(ILogger logger, int maxSeries, long dropped);

    private sealed record LifecycleSeries(Series Type, Series Good, Series Time);

    private sealed class Series(string[] labels)
    {
        public string[] Labels { get; } = labels;

        public double Count;

        public double Sum;
    }
}
