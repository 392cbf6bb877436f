using System.Text.Json;
using ChoriaDashboard.Events;
using CloudNative.CloudEvents;

namespace ChoriaDashboard.Ingest.Decoding;

/// <summary>
/// The CloudEvents structured-mode binding: the SDK checks every envelope attribute of the body as it is set (spec
/// version, id, URI source, RFC 3339 time, media types), and the <c>data</c> object is handed on where it lies, without
/// the copy the SDK's whole-event conversion makes.
/// </summary>
internal static class StructuredMode
{
    /// <summary>The envelope of the structured CloudEvent <paramref name="root"/> and its data, a JSON object.</summary>
    public static StructuredMessage ToCloudEvent(JsonElement root)
    {
        if (!root.TryGetProperty("specversion", out var specVersionElement) || specVersionElement.ValueKind != JsonValueKind.String)
        {
            throw new RejectException(RejectionReason.InvalidCloudEvent, "'specversion' is not a string");
        }

        var specVersion = CloudEventsSpecVersion.FromVersionId(specVersionElement.GetString())
            ?? throw new RejectException(RejectionReason.InvalidCloudEvent, $"unsupported CloudEvents spec version '{UntrustedText.Excerpt(specVersionElement.GetString())}'");
        var cloudEvent = new CloudEvent(specVersion);
        var (data, dataBase64) = SetAttributes(cloudEvent, root);

        if (!cloudEvent.IsValid)
        {
            var missing = cloudEvent.Id is null ? "id" : cloudEvent.Source is null ? "source" : "type";
            throw new RejectException(RejectionReason.InvalidCloudEvent, $"CloudEvent without '{missing}'");
        }

        var hasData = data.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);
        var hasBase64 = dataBase64.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);
        if (hasData && hasBase64)
        {
            throw new RejectException(RejectionReason.InvalidCloudEvent, "CloudEvent with both 'data' and 'data_base64'");
        }

        if (hasBase64)
        {
            if (dataBase64.ValueKind != JsonValueKind.String || !dataBase64.TryGetBytesFromBase64(out var bytes))
            {
                throw new RejectException(RejectionReason.InvalidCloudEvent, "'data_base64' is not base64 text");
            }

            // data_base64: the data is the legacy event's JSON, encoded.
            var inner = JsonBody.Parse(bytes);
            if (inner.RootElement.ValueKind != JsonValueKind.Object)
            {
                inner.Dispose();
                throw new RejectException(RejectionReason.NotChoriaEvent, "CloudEvent data_base64 is not a JSON object");
            }

            return new StructuredMessage(cloudEvent, inner.RootElement, inner);
        }

        if (!hasData)
        {
            throw new RejectException(RejectionReason.MissingField, $"CloudEvent {UntrustedText.Excerpt(cloudEvent.Type)} has no data");
        }

        if (cloudEvent.DataContentType is { } contentType && !ContentTypes.IsJson(contentType))
        {
            throw new RejectException(RejectionReason.NotChoriaEvent, $"CloudEvent data is '{UntrustedText.Excerpt(contentType)}', not JSON");
        }

        return data.ValueKind == JsonValueKind.Object
            ? new StructuredMessage(cloudEvent, data, null)
            : throw new RejectException(RejectionReason.NotChoriaEvent, "CloudEvent data is not a JSON object");
    }

    /// <summary>Sets every attribute of <paramref name="root"/> through the SDK; returns <c>data</c> and <c>data_base64</c>.</summary>
    private static (JsonElement Data, JsonElement DataBase64) SetAttributes(CloudEvent cloudEvent, JsonElement root)
    {
        JsonElement data = default;
        JsonElement dataBase64 = default;
        try
        {
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "specversion":
                        continue;
                    case "data":
                        data = property.Value;
                        continue;
                    case "data_base64":
                        dataBase64 = property.Value;
                        continue;
                }

                var value = property.Value;
                if (value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                // The spec's own attributes are all strings in JSON; extensions may also be numbers or booleans.
                var attribute = cloudEvent.GetAttribute(property.Name);
                if (attribute is { IsExtension: false } && value.ValueKind != JsonValueKind.String)
                {
                    throw new RejectException(RejectionReason.InvalidCloudEvent, $"'{UntrustedText.Excerpt(property.Name)}' is {JsonFields.Describe(value.ValueKind)}, expected a string");
                }

                var text = value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString()!,
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Number => value.GetRawText(),
                    _ => throw new RejectException(RejectionReason.InvalidCloudEvent, $"'{UntrustedText.Excerpt(property.Name)}' is {JsonFields.Describe(value.ValueKind)}"),
                };
                cloudEvent.SetAttributeFromString(property.Name, text);
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            throw new RejectException(RejectionReason.InvalidCloudEvent, UntrustedText.Excerpt(e.Message));
        }

        return (data, dataBase64);
    }
}

/// <summary>A structured CloudEvent's envelope and its data object; disposing frees the decoded <c>data_base64</c>, if any.</summary>
internal readonly struct StructuredMessage(CloudEvent cloudEvent, JsonElement data, JsonDocument? decodedBase64) : IDisposable
{
    public CloudEvent CloudEvent { get; } = cloudEvent;

    public JsonElement Data { get; } = data;

    /// <summary>Whether the data arrived as <c>data_base64</c> rather than as a JSON object.</summary>
    public bool WasBase64 => decodedBase64 is not null;

    public void Dispose() => decodedBase64?.Dispose();
}
