using CloudNative.CloudEvents.Core;
using Microsoft.Extensions.Primitives;

namespace ChoriaDashboard.Ingest.Decoding;

/// <summary>The content types the CloudEvents binding cares about: a structured-mode message, and JSON data.</summary>
internal static class ContentTypes
{
    private static readonly string StructuredJson = MimeUtilities.MediaType + "+json";

    /// <summary>Whether the <c>content-type</c> header says the body is a structured-mode CloudEvent in JSON.</summary>
    public static bool IsStructuredCloudEvent(IEnumerable<KeyValuePair<string, StringValues>>? headers)
    {
        if (headers is null)
        {
            return false;
        }

        foreach (var (key, value) in headers)
        {
            if (key.Equals("content-type", StringComparison.OrdinalIgnoreCase))
            {
                // Not MimeUtilities.IsCloudEventsContentType: it takes any format (+avro, +xml) and compares by culture.
                return value.ToString().StartsWith(StructuredJson, StringComparison.OrdinalIgnoreCase);
            }
        }

        return false;
    }

    /// <summary>application/json, text/json or any +json type, parameters ignored (the SDK has already checked the syntax).</summary>
    public static bool IsJson(string contentType)
    {
        var media = contentType.AsSpan();
        var semicolon = media.IndexOf(';');
        if (semicolon >= 0)
        {
            media = media[..semicolon];
        }

        media = media.Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }
}
