using ChoriaDashboard.Events;
using CloudNative.CloudEvents;
using Microsoft.Extensions.Primitives;

namespace ChoriaDashboard.Ingest.Decoding;

/// <summary>The CloudEvents binary-mode binding for NATS: <c>ce-*</c> headers become the SDK's <see cref="CloudEvent"/>.</summary>
internal static class BinaryMode
{
    /// <summary>Every envelope attribute travels in a header named with this prefix.</summary>
    public const string HeaderPrefix = "ce-";

    /// <summary>
    /// The envelope of a binary-mode CloudEvent, every attribute checked by the SDK as it is set; null when there is no
    /// <c>ce-specversion</c> header. Data that is not JSON is rejected here, before the body is parsed.
    /// </summary>
    public static CloudEvent? ToCloudEvent(IEnumerable<KeyValuePair<string, StringValues>> headers)
    {
        string? contentType = null;
        string? specVersionId = null;
        foreach (var (key, value) in headers)
        {
            if (key.Equals("ce-specversion", StringComparison.OrdinalIgnoreCase))
            {
                specVersionId = value.ToString();
            }
            else if (key.Equals("content-type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value.ToString();
            }
        }

        if (specVersionId is null)
        {
            return null;
        }

        var specVersion = CloudEventsSpecVersion.FromVersionId(specVersionId)
            ?? throw new RejectException(RejectionReason.InvalidCloudEvent, $"unsupported CloudEvents spec version '{UntrustedText.Excerpt(specVersionId)}'");
        var cloudEvent = new CloudEvent(specVersion);
        try
        {
            foreach (var (key, value) in headers)
            {
                if (key.Length > HeaderPrefix.Length
                    && key.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase)
                    && !key.Equals("ce-specversion", StringComparison.OrdinalIgnoreCase))
                {
                    // CloudEvents attribute names are lower case; NATS headers keep the case they were sent in.
                    cloudEvent.SetAttributeFromString(key[HeaderPrefix.Length..].ToLowerInvariant(), value.ToString());
                }
            }

            if (contentType is not null && cloudEvent.DataContentType is null)
            {
                cloudEvent.DataContentType = contentType;
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or OverflowException)
        {
            throw new RejectException(RejectionReason.InvalidCloudEvent, UntrustedText.Excerpt(e.Message));
        }

        if (!cloudEvent.IsValid)
        {
            var missing = cloudEvent.Id is null ? "ce-id" : cloudEvent.Source is null ? "ce-source" : "ce-type";
            throw new RejectException(RejectionReason.InvalidCloudEvent, $"binary CloudEvent without {missing} header");
        }

        if (cloudEvent.DataContentType is { } dataContentType && !ContentTypes.IsJson(dataContentType))
        {
            throw new RejectException(RejectionReason.NotChoriaEvent, $"binary CloudEvent data is '{UntrustedText.Excerpt(dataContentType)}', not JSON");
        }

        return cloudEvent;
    }
}
