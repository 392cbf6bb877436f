using System.Globalization;
using System.Text;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using MudBlazor;

namespace ChoriaDashboard.Components;

/// <summary>How nagios health, check results and raw events read on screen.</summary>
public static class HealthFormat
{
    /// <summary>The status as Scout prints it: OK, WARNING, CRITICAL, UNKNOWN, NOT CHECKED.</summary>
    public static string Label(NagiosStatus status) => status switch
    {
        NagiosStatus.Ok => "OK",
        NagiosStatus.Warning => "WARNING",
        NagiosStatus.Critical => "CRITICAL",
        NagiosStatus.Unknown => "UNKNOWN",
        _ => "NOT CHECKED",
    };

    /// <summary>How a check whose last result is no longer current reads.</summary>
    public const string StaleLabel = "STALE";

    /// <summary>Why a stale check is not current, in words: <c>its node stopped</c>, <c>its node is dead</c>, <c>no result for too long</c>.</summary>
    public static string StaleWhy(StaleReason? reason) => reason switch
    {
        StaleReason.NodeStopped => "its node stopped",
        StaleReason.NodeDead => "its node is dead",
        _ => "no result for too long",
    };

    /// <summary>A stale check's tooltip: its last result and why it is no longer current.</summary>
    public static string StaleTitle(NagiosStatus last, WatcherSnapshot state) =>
        $"not current ({StaleWhy(state.StaleReason)}); last result {Label(last)}";

    public static Color ColorOf(NagiosStatus status) => status switch
    {
        NagiosStatus.Ok => Color.Success,
        NagiosStatus.Warning => Color.Warning,
        NagiosStatus.Critical => Color.Error,
        NagiosStatus.Unknown => Color.Info,
        _ => Color.Default,
    };

    /// <summary>A status code of a check's history as its label (0 OK … 5 NOT CHECKED).</summary>
    public static NagiosStatus FromCode(int code) => code switch
    {
        0 => NagiosStatus.Ok,
        1 => NagiosStatus.Warning,
        2 => NagiosStatus.Critical,
        4 or 5 => NagiosStatus.NotChecked,
        _ => NagiosStatus.Unknown,
    };

    /// <summary>Perfdata as nagios writes it: <c>label=value[unit]</c>, space separated.</summary>
    public static string PerfData(IEnumerable<NagiosPerfData> items) =>
        string.Join(' ', items.Select(p => $"{p.Label}={p.Value.ToString(CultureInfo.InvariantCulture)}{p.Unit}"));

    public static string NameOf(WireFormat format) => format switch
    {
        WireFormat.Legacy => "legacy JSON",
        WireFormat.CloudEventStructured => "CloudEvent (structured)",
        _ => "CloudEvent (binary)",
    };

    /// <summary>
    /// A captured message as text: subject, format, receipt time, the NATS headers (binary mode: the CloudEvent
    /// attributes) and the body exactly as received. Or why there is none.
    /// </summary>
    public static string RawText(RawEventLookup lookup)
    {
        if (lookup.Event is not { } raw)
        {
            return lookup.WasReplayed
                ? "Replayed from Choria Streams at start: replayed events are not captured."
                : lookup.Overwritten
                ? "No longer retained: newer events have taken its place (Ingest:RawEventBytes)."
                : "Not captured (Ingest:RawEventBytes is 0, or the message was larger than it).";
        }

        var text = new StringBuilder();
        text.Append("subject: ").Append(raw.Subject).Append('\n');
        text.Append("format: ").Append(NameOf(raw.Format)).Append('\n');
        text.Append("received: ").Append(raw.ReceivedAt.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture)).Append('\n');
        if (raw.Headers is { } headers)
        {
            text.Append("headers:\n").Append(headers);
        }

        text.Append('\n').Append(raw.BodyText);
        return text.ToString();
    }
}
