using System.Runtime.InteropServices;
using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Ingest.Decoding;
using CloudNative.CloudEvents.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace ChoriaDashboard.Ingest.Http;

/// <summary>How a request carries its CloudEvents (CloudEvents HTTP protocol binding 1.0, section 3).</summary>
internal enum HttpMode
{
    /// <summary><c>application/cloudevents+json</c>: one event, envelope and data in the body.</summary>
    Structured,

    /// <summary><c>application/cloudevents-batch+json</c>: a JSON array of structured events.</summary>
    Batch,

    /// <summary>A <c>ce-specversion</c> header: the envelope in <c>ce-*</c> headers, the data in the body.</summary>
    Binary,
}

/// <summary>
/// The CloudEvents HTTP binding, read side: which mode a request is in, its body (bounded), and its events in the shape
/// the decoder takes. What the SDK's ASP.NET Core binding (<c>HttpRequestExtensions</c>, not served here) does, plus the
/// bounds, and batches split so each event is judged on its own.
/// </summary>
internal static class CloudEventsHttpBinding
{
    /// <summary>Every envelope attribute of a binary-mode event travels in a header of this prefix (names lower case here).</summary>
    public const string HeaderPrefix = "ce-";

    public const string SpecVersionHeader = "ce-specversion";

    public const string ContentTypeHeader = "content-type";

    public const string StructuredMediaType = "application/cloudevents+json";

    public const string BatchMediaType = "application/cloudevents-batch+json";

    private static readonly JsonDocumentOptions BatchOptions = new() { MaxDepth = 33 };

    /// <summary>
    /// The request's mode, or null with the reason for a 415: the structured and batch media types win over
    /// <c>ce-*</c> headers (as the SDK decides); binary mode needs JSON data (or no content type, which means JSON);
    /// JSON in a charset other than UTF-8 is refused (the decoder, like JSON on the wire, reads UTF-8).
    /// </summary>
    public static HttpMode? ModeOf(HttpRequest request, out string refusal)
    {
        refusal = "";
        MediaTypeHeaderValue? contentType = null;
        if (!string.IsNullOrEmpty(request.ContentType) && !MediaTypeHeaderValue.TryParse(request.ContentType, out contentType))
        {
            refusal = "The Content-Type cannot be read.";
            return null;
        }

        if (contentType?.Charset is { HasValue: true } charset && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            refusal = $"Only UTF-8 is read, not charset {UntrustedText.Excerpt(charset.Value)}.";
            return null;
        }

        var media = contentType?.MediaType.Value;
        if (string.Equals(media, StructuredMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return HttpMode.Structured;
        }

        if (string.Equals(media, BatchMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return HttpMode.Batch;
        }

        if (request.Headers.ContainsKey(SpecVersionHeader))
        {
            if (media is null || ContentTypes.IsJson(media))
            {
                return HttpMode.Binary;
            }

            refusal = $"A binary-mode CloudEvent's data must be JSON (Content-Type application/json), not {UntrustedText.Excerpt(media)}.";
            return null;
        }

        refusal = $"Send CloudEvents: {StructuredMediaType}, {BatchMediaType}, or binary mode (ce-* headers and Content-Type application/json).";
        return null;
    }

    /// <summary>The body, or null when it is larger than <paramref name="maxBytes"/> (read no further than that).</summary>
    public static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        // Kestrel's own limit (30 MB by default) would otherwise answer first, or not at all for a larger setting.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes + 1L;
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>A binary-mode event: its data, and its <c>ce-*</c> headers percent-decoded (HTTP binding 3.1.3.2) with <c>content-type</c>.</summary>
    public static PostedEvent Binary(HttpRequest request, byte[] body)
    {
        var headers = new List<KeyValuePair<string, StringValues>>();
        foreach (var (name, value) in request.Headers)
        {
            if (HttpUtilities.GetAttributeNameFromHeaderName(name) is { } attribute)
            {
                headers.Add(new(HeaderPrefix + attribute.ToLowerInvariant(), HttpUtilities.DecodeHeaderValue(value.ToString())));
            }
        }

        if (!string.IsNullOrEmpty(request.ContentType))
        {
            headers.Add(new(ContentTypeHeader, request.ContentType));
        }

        return new PostedEvent(body, headers);
    }

    /// <summary>
    /// A batch's events, each element's JSON as sent; null with the problem when the body is not a JSON array (400) or
    /// holds more than <paramref name="maxEvents"/> (<paramref name="tooMany"/>, 413).
    /// </summary>
    public static List<PostedEvent>? SplitBatch(byte[] body, int maxEvents, out string problem, out bool tooMany)
    {
        problem = "";
        tooMany = false;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, BatchOptions);
        }
        catch (JsonException e)
        {
            problem = $"The batch is not valid JSON: {UntrustedText.Excerpt(e.Message)}";
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                problem = "A batch is a JSON array of CloudEvents.";
                return null;
            }

            var count = document.RootElement.GetArrayLength();
            if (count > maxEvents)
            {
                tooMany = true;
                problem = $"{count} events in one batch; at most {maxEvents} (HttpIngest:MaxBatchEvents).";
                return null;
            }

            var events = new List<PostedEvent>(count);
            foreach (var element in document.RootElement.EnumerateArray())
            {
                events.Add(new PostedEvent(JsonMarshal.GetRawUtf8Value(element).ToArray(), null));
            }

            return events;
        }
    }
}
