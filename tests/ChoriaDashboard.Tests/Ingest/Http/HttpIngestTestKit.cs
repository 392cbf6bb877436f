using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using static ChoriaDashboard.Tests.Hosting.SignIn.SignInTestKit;

namespace ChoriaDashboard.Tests.Ingest.Http;

/// <summary>The real app with <c>POST /api/events</c> on, a key that may post and one that may only read, and requests in the three modes.</summary>
internal static class HttpIngestTestKit
{
    public const string SenderKey = "sender-key-0123456789abcdef-post";

    public const string StructuredType = "application/cloudevents+json";

    public const string BatchType = "application/cloudevents-batch+json";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static DashboardFactory App(string natsUrl, IDictionary<string, string?>? more = null, bool kestrel = false)
    {
        var settings = new Dictionary<string, string?>
        {
            ["HttpIngest:Enabled"] = "true",
            ["HttpIngest:MaxRequestBytes"] = "65536",
            ["Auth:ApiKeys:1:Name"] = "sender",
            ["Auth:ApiKeys:1:Key"] = SenderKey,
            ["Auth:ApiKeys:1:CanPostEvents"] = "true",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return ChoriaDashboard.Tests.Hosting.SignIn.SignInTestKit.App(natsUrl, more: settings, kestrel: kestrel);
    }

    /// <summary>A structured (or batch) request: the body as the media type says.</summary>
    public static HttpRequestMessage Post(byte[] body, string contentType, string? key = SenderKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Path("/api/events")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (key is not null)
        {
            request.Headers.Add("x-api-key", key);
        }

        return request;
    }

    public static HttpRequestMessage Structured(ChoriaEvent evt, string? key = SenderKey, string? cloudEventId = null) =>
        Post(ChoriaEventEncoder.Encode(evt, WireFormat.CloudEventStructured, cloudEventId).Body, StructuredType, key);

    /// <summary>A binary-mode request: the encoder's NATS headers as HTTP headers, the data as the body.</summary>
    public static HttpRequestMessage Binary(ChoriaEvent evt, string? key = SenderKey)
    {
        var message = ChoriaEventEncoder.Encode(evt, WireFormat.CloudEventBinary);
        var request = Post(message.Body, message.Headers!["content-type"], key);
        foreach (var (name, value) in message.Headers!.Where(h => h.Key.StartsWith("ce-", StringComparison.Ordinal)))
        {
            request.Headers.Add(name, value);
        }

        return request;
    }

    public static HttpRequestMessage Batch(IEnumerable<byte[]> events, string? key = SenderKey) =>
        Post(Encoding.UTF8.GetBytes("[" + string.Join(",", events.Select(e => Encoding.UTF8.GetString(e))) + "]"), BatchType, key);

    public static byte[] StructuredBody(ChoriaEvent evt) => ChoriaEventEncoder.Encode(evt, WireFormat.CloudEventStructured).Body;

    public static async Task<(System.Net.HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            using var json = JsonDocument.Parse(text.Length == 0 ? "null" : text);
            return (response.StatusCode, json.RootElement.Clone());
        }
    }

    /// <summary>Waits until the node list's API knows <paramref name="identity"/>; returns its detail.</summary>
    public static async Task<JsonElement> NodeAsync(HttpClient http, string identity)
    {
        JsonElement detail = default;
        await Eventually.TrueAsync(
            async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, Path($"/api/nodes/{Uri.EscapeDataString(identity)}"));
                request.Headers.Add("x-api-key", ApiKey);
                using var response = await http.SendAsync(request);
                if (!response.IsSuccessStatusCode)
                {
                    return false;
                }

                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                detail = json.RootElement.Clone();
                return true;
            },
            Timeout,
            $"{identity} in /api/nodes");
        return detail;
    }

    public static async Task<JsonElement> FleetAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Path("/api/fleet"));
        request.Headers.Add("x-api-key", ApiKey);
        using var response = await http.SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.Clone();
    }

    public static string NewIdentity(string prefix) => $"{prefix}-{Guid.NewGuid():N}.example.net";
}
