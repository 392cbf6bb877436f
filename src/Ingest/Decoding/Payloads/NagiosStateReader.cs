using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Ingest.Decoding;

/// <summary>Reads a nagios (Scout) check's state: status, bounded output, perfdata, history and annotations.</summary>
internal sealed class NagiosStateReader(IngestOptions options, JsonFields fields)
{
    /// <summary>Go's zero time as Unix seconds: a nagios check that never ran.</summary>
    private const long GoZeroTimeUnixSeconds = -62135596800;

    /// <summary>Choria keeps at most this many history items.</summary>
    private const int MaxHistory = 15;

    public NagiosWatcherState Read(JsonElement data, in WatcherHeader header) => new()
    {
        Protocol = header.Protocol,
        Identity = header.Identity,
        Id = header.Id,
        MachineVersion = header.MachineVersion,
        Timestamp = header.Timestamp,
        WatcherType = header.WatcherType,
        Machine = header.Machine,
        Name = header.Name,
        Format = header.Format,
        Plugin = UntrustedText.Truncate(fields.RequiredString(data, "plugin", int.MaxValue, pooled: true), options.MaxCheckOutputLength),
        Status = fields.RequiredName(data, "status"),
        StatusCode = StatusCode(JsonFields.RequiredInt64(data, "status_code")),
        Output = UntrustedText.Truncate(fields.RequiredString(data, "output", int.MaxValue), options.MaxCheckOutputLength),
        CheckTime = CheckTime(data),
        RuntimeSeconds = JsonFields.OptionalDouble(data, "runtime"),
        PerfData = PerfData(data, "perfdata"),
        History = History(data),
        Annotations = Annotations(data),
    };

    private static DateTimeOffset? CheckTime(JsonElement data)
    {
        var seconds = JsonFields.RequiredInt64(data, "check_time");
        return seconds <= 0 || seconds == GoZeroTimeUnixSeconds ? null : JsonFields.FromUnixSeconds(seconds, "check_time");
    }

    private ImmutableArray<NagiosPerfData> PerfData(JsonElement data, string name)
    {
        if (!data.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new RejectException(RejectionReason.WrongType, $"'{name}' is {JsonFields.Describe(element.ValueKind)}, expected an array");
        }

        var limit = options.MaxPerfDataItems;
        var builder = ImmutableArray.CreateBuilder<NagiosPerfData>(Math.Min(element.GetArrayLength(), limit));
        foreach (var item in element.EnumerateArray())
        {
            if (builder.Count == limit)
            {
                break;
            }

            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new RejectException(RejectionReason.WrongType, $"'{name}' item is {JsonFields.Describe(item.ValueKind)}, expected an object");
            }

            builder.Add(new NagiosPerfData(
                UntrustedText.Truncate(fields.RequiredString(item, "label", int.MaxValue, pooled: true), options.MaxFieldLength),
                JsonFields.OptionalDouble(item, "value"),
                item.TryGetProperty("unit", out var unit) && unit.ValueKind == JsonValueKind.String ? UntrustedText.Truncate(fields.Pooled(unit), 16) : ""));
        }

        return builder.Count == builder.Capacity ? builder.MoveToImmutable() : builder.ToImmutable();
    }

    private ImmutableArray<NagiosHistoryItem> History(JsonElement data)
    {
        if (!data.TryGetProperty("history", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new RejectException(RejectionReason.WrongType, $"'history' is {JsonFields.Describe(element.ValueKind)}, expected an array");
        }

        // Take the newest items whatever a sender claims. Choria 0.16 sent bare status codes, 0.17 on {execute, status}.
        var items = new List<NagiosHistoryItem>(Math.Min(element.GetArrayLength(), MaxHistory));
        foreach (var item in element.EnumerateArray())
        {
            items.Add(item.ValueKind switch
            {
                JsonValueKind.Object => new NagiosHistoryItem(ExecutedAt(item), StatusCode(JsonFields.RequiredInt64(item, "status"))),
                JsonValueKind.Number when item.TryGetInt64(out var code) => new NagiosHistoryItem(null, StatusCode(code)),
                _ => throw new RejectException(RejectionReason.WrongType, $"'history' item is {JsonFields.Describe(item.ValueKind)}, expected an object or a status code"),
            });
            if (items.Count > MaxHistory)
            {
                items.RemoveAt(0);
            }
        }

        return [.. items];
    }

    /// <summary>A status code kept in a byte's range; go-choria only sends 0 to 5.</summary>
    private static int StatusCode(long code) => (int)Math.Clamp(code, -1, 255);

    /// <summary>
    /// A history item's RFC 3339 time. UTC with a 'Z' and at most 7 fractional digits is read straight from the bytes;
    /// anything else (an offset, nanoseconds, which are rounded to ticks) goes through <see cref="DateTimeOffset.TryParse(string, IFormatProvider, DateTimeStyles, out DateTimeOffset)"/>.
    /// </summary>
    private DateTimeOffset ExecutedAt(JsonElement item)
    {
        if (item.TryGetProperty("execute", out var element) && element.ValueKind == JsonValueKind.String
            && JsonMarshal.GetRawUtf8Value(element) is { Length: <= 30 } raw && raw.EndsWith("Z\""u8) && element.TryGetDateTimeOffset(out var utc))
        {
            return utc.ToUniversalTime();
        }

        // Not the SDK's RFC 3339 parser: it is internal in CloudNative.CloudEvents 2.9, and stricter than this (no space separator, no missing offset).
        var executed = fields.RequiredString(item, "execute", 64);
        return DateTimeOffset.TryParse(executed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var when)
            ? when
            : throw new RejectException(RejectionReason.InvalidValue, $"'history.execute' is not a time: '{UntrustedText.Excerpt(executed)}'");
    }

    private ImmutableDictionary<string, string> Annotations(JsonElement data)
    {
        if (!data.TryGetProperty("annotations", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return ImmutableDictionary<string, string>.Empty;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new RejectException(RejectionReason.WrongType, $"'annotations' is {JsonFields.Describe(element.ValueKind)}, expected an object");
        }

        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (builder.Count == options.MaxAnnotations)
            {
                break;
            }

            if (property.Value.ValueKind == JsonValueKind.String)
            {
                builder[UntrustedText.Truncate(property.Name, options.MaxFieldLength)] = UntrustedText.Truncate(property.Value.GetString()!, options.MaxAnnotationLength);
            }
        }

        // Most checks have none: the shared empty map, not a new one (with its comparer object) kept per watcher.
        return builder.Count == 0 ? ImmutableDictionary<string, string>.Empty : builder.ToImmutable();
    }
}
