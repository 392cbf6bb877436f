using System.Text.Json;
using System.Text.Unicode;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Ingest.Decoding;

/// <summary>Parses a message body (or a CloudEvent's <c>data_base64</c>) as JSON, rejecting what is not valid UTF-8 JSON.</summary>
internal static class JsonBody
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    public static JsonDocument Parse(ReadOnlyMemory<byte> body)
    {
        // JsonDocument.Parse does not check the UTF-8 inside string values; GetString() would throw later.
        if (!Utf8.IsValid(body.Span))
        {
            throw new RejectException(RejectionReason.NotJson, "not valid UTF-8");
        }

        try
        {
            return JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new RejectException(RejectionReason.NotJson, $"not valid JSON: {UntrustedText.Excerpt(e.Message)}");
        }
        catch (ArgumentException e)
        {
            throw new RejectException(RejectionReason.NotJson, $"not valid UTF-8 JSON: {UntrustedText.Excerpt(e.Message)}");
        }
    }
}
