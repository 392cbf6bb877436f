using System.Text.Json;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Ingest.Decoding;

/// <summary>Typed, bounded access to the fields of a Choria event's JSON object; a bad field throws a <see cref="RejectException"/>.</summary>
internal sealed class JsonFields(IngestOptions options, Utf8StringPool strings)
{
    /// <summary>A string of at most <paramref name="limit"/> characters; <paramref name="pooled"/> for values that repeat.</summary>
    public string RequiredString(JsonElement data, string name, int limit, bool pooled = false)
    {
        if (!data.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            throw new RejectException(RejectionReason.MissingField, $"missing '{name}'");
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            throw new RejectException(RejectionReason.WrongType, $"'{name}' is {Describe(element.ValueKind)}, expected a string");
        }

        var value = pooled ? strings.GetString(element) : element.GetString()!;
        return value.Length <= limit
            ? value
            : throw new RejectException(RejectionReason.InvalidValue, $"'{name}' is {value.Length} characters, limit {limit}");
    }

    /// <summary>A short name: component, version, machine, watcher. Bounded and free of control characters.</summary>
    public string RequiredName(JsonElement data, string name)
    {
        var value = RequiredString(data, name, options.MaxFieldLength, pooled: true);
        return !UntrustedText.HasControlCharacter(value)
            ? value
            : throw new RejectException(RejectionReason.InvalidValue, $"'{name}' contains a control character");
    }

    /// <summary>An identity is a host name or certname (see <see cref="UntrustedText.IsSafeIdentity"/>).</summary>
    public string RequiredIdentity(JsonElement data, string name)
    {
        var value = RequiredString(data, name, options.MaxFieldLength);
        if (value.Length == 0)
        {
            throw new RejectException(RejectionReason.InvalidValue, $"'{name}' is empty");
        }

        return UntrustedText.IdentityProblem(value) is not { } problem
            ? value
            : throw new RejectException(RejectionReason.InvalidValue, $"'{name}' contains {problem}, not allowed in an identity: '{UntrustedText.Excerpt(value)}'");
    }

    /// <summary>
    /// Free text that is only ever shown, never a key or part of a link (a governor's slot holder, such as
    /// <c>Auto Agent  app_deploy#deploy @ web-7.example.net</c>): any non-empty text is accepted, and text longer than
    /// <c>Ingest:MaxFieldLength</c> is cut with <c>…</c> rather than rejected.
    /// </summary>
    public string RequiredText(JsonElement data, string name) =>
        UntrustedText.Truncate(NonEmpty(RequiredString(data, name, int.MaxValue), name), options.MaxFieldLength);

    /// <summary>A string field that may be absent or null (then null); present, it must be a string of at most <paramref name="limit"/> characters.</summary>
    public string? OptionalString(JsonElement data, string name, int limit) =>
        data.TryGetProperty(name, out var element) && element.ValueKind != JsonValueKind.Null ? RequiredString(data, name, limit) : null;

    /// <summary>The text of a JSON string that repeats from event to event, shared through the string pool.</summary>
    public string Pooled(JsonElement element) => strings.GetString(element);

    public static string NonEmpty(string value, string name) =>
        value.Length > 0 ? value : throw new RejectException(RejectionReason.InvalidValue, $"'{name}' is empty");

    public static long RequiredInt64(JsonElement data, string name)
    {
        if (!data.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            throw new RejectException(RejectionReason.MissingField, $"missing '{name}'");
        }

        if (element.ValueKind != JsonValueKind.Number)
        {
            throw new RejectException(RejectionReason.WrongType, $"'{name}' is {Describe(element.ValueKind)}, expected an integer");
        }

        return element.TryGetInt64(out var value)
            ? value
            : throw new RejectException(RejectionReason.WrongType, $"'{name}' is not a 64-bit integer");
    }

    public static ulong OptionalUInt64(JsonElement data, string name)
    {
        if (!data.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        return element.ValueKind == JsonValueKind.Number && element.TryGetUInt64(out var value)
            ? value
            : throw new RejectException(RejectionReason.WrongType, $"'{name}' is not an unsigned integer");
    }

    public static double OptionalDouble(JsonElement data, string name)
    {
        if (!data.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var value))
        {
            throw new RejectException(RejectionReason.WrongType, $"'{name}' is {Describe(element.ValueKind)}, expected a number");
        }

        // 1e999 reads as infinity, which no JSON writer (the API, a hub client) can write back.
        return double.IsFinite(value)
            ? value
            : throw new RejectException(RejectionReason.InvalidValue, $"'{name}' is beyond the range of a number");
    }

    public static DateTimeOffset FromUnixSeconds(long seconds, string name)
    {
        try
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new RejectException(RejectionReason.InvalidValue, $"'{name}' {seconds} is out of range");
        }
    }

    /// <summary>Machine timestamps are seconds today; before Choria 0.13 they were nanoseconds.</summary>
    public static DateTimeOffset MachineTimestamp(long value) => value switch
    {
        > 100_000_000_000_000_000 => DateTimeOffset.FromUnixTimeMilliseconds(value / 1_000_000),
        > 100_000_000_000_000 => DateTimeOffset.FromUnixTimeMilliseconds(value / 1_000),
        > 100_000_000_000 => DateTimeOffset.FromUnixTimeMilliseconds(value),
        _ => FromUnixSeconds(value, "timestamp"),
    };

    /// <summary>A JSON value kind as a rejection detail says it: "an object", "a number", …</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}

/// <summary>Thrown inside the decoder to abandon a message; caught at the top and turned into a <see cref="DecodeResult"/>.</summary>
internal sealed class RejectException(RejectionReason reason, string detail) : Exception(detail)
{
    public RejectionReason Reason { get; } = reason;
}
