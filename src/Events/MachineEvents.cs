using System.Collections.Immutable;

namespace ChoriaDashboard.Events;

/// <summary>Base of autonomous agent events: <see cref="ChoriaEvent.Id"/> is the machine instance id.</summary>
public abstract record MachineEvent : ChoriaEvent
{
    /// <summary>The machine's name, e.g. <c>check_httpd</c>.</summary>
    public required string Machine { get; init; }

    /// <summary>The machine's version (not the server's).</summary>
    public required string MachineVersion { get; init; }
}

/// <summary><c>io.choria.machine.v1.transition</c>: a machine changed state.</summary>
public sealed record MachineTransitionEvent : MachineEvent
{
    public required string Transition { get; init; }

    public required string FromState { get; init; }

    public required string ToState { get; init; }
}

/// <summary><c>io.choria.machine.watcher.&lt;type&gt;.v1.state</c>: what a watcher saw last.</summary>
/// <remarks>Watcher kinds other than nagios keep their common fields and the raw data as JSON text.</remarks>
public record WatcherStateEvent : MachineEvent
{
    /// <summary>The watcher type: nagios, exec, file, schedule, …</summary>
    public required string WatcherType { get; init; }

    /// <summary>The watcher's name inside the machine.</summary>
    public required string Name { get; init; }

    /// <summary>The event's data object as JSON text (bounded by configuration); null when not kept.</summary>
    public string? RawData { get; init; }
}

/// <summary>A nagios check result, as Scout sends it.</summary>
public sealed record NagiosWatcherState : WatcherStateEvent
{
    public required string Plugin { get; init; }

    /// <summary>OK, WARNING, CRITICAL, UNKNOWN (or NOTCHECKED before the first run).</summary>
    public required string Status { get; init; }

    public required int StatusCode { get; init; }

    /// <summary>Plugin output including any perfdata text; possibly multi-line. Untrusted text.</summary>
    public required string Output { get; init; }

    /// <summary>When the check last ran; null when it never ran (Go's zero time).</summary>
    public DateTimeOffset? CheckTime { get; init; }

    public double RuntimeSeconds { get; init; }

    public ImmutableArray<NagiosPerfData> PerfData { get; init; } = [];

    public ImmutableArray<NagiosHistoryItem> History { get; init; } = [];

    public ImmutableDictionary<string, string> Annotations { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>
    /// The health the status code means: 0 OK, 1 WARNING, 2 CRITICAL, 4 SKIPPED and 5 NOTCHECKED (no result yet: neither
    /// OK nor a problem), anything else UNKNOWN, as go-choria's nagios watcher maps plugin exit codes.
    /// </summary>
    public NagiosStatus Health => StatusCode switch
    {
        0 => NagiosStatus.Ok,
        1 => NagiosStatus.Warning,
        2 => NagiosStatus.Critical,
        4 or 5 => NagiosStatus.NotChecked,
        _ => NagiosStatus.Unknown,
    };
}

/// <summary>Nagios health, from the status code.</summary>
public enum NagiosStatus : byte
{
    Ok,
    Warning,
    Critical,
    Unknown,

    /// <summary>No result to judge yet (<c>NOTCHECKED</c>, before the first run; <c>SKIPPED</c>): neither OK nor a problem.</summary>
    NotChecked,
}

/// <summary>One perfdata item of a nagios check.</summary>
public readonly record struct NagiosPerfData(string Label, double Value, string Unit);

/// <summary>One earlier run of a nagios check.</summary>
/// <param name="Executed">When it ran; null for Choria 0.16, which sent only the status codes.</param>
public readonly record struct NagiosHistoryItem(DateTimeOffset? Executed, int StatusCode);
