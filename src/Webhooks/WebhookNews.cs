using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChoriaDashboard.Api;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;

namespace ChoriaDashboard.Webhooks;

/// <summary>
/// One piece of news to post, shared by every endpoint that takes it: its id (the CloudEvents <c>id</c> and the
/// <c>webhook-id</c>, the same on every attempt), its event name, and its body, a CloudEvent in structured JSON built
/// once, on first delivery, off the fleet reader's path.
/// </summary>
public sealed class WebhookNews
{
    private static readonly JsonSerializerOptions Json = CreateJson();

    private readonly object _data;
    private byte[]? _body;

    private WebhookNews(string id, string name, string? subject, DateTimeOffset time, object data)
    {
        Id = id;
        Name = name;
        Subject = subject;
        Time = time;
        _data = data;
    }

    /// <summary>
    /// A hash of what the news says (event name, identity, component, check, version, and when it happened to the
    /// tick), 32 hex digits: the same news gets the same id, so a receiver can drop a delivery it already has.
    /// </summary>
    public string Id { get; }

    /// <summary>The event name (<see cref="WebhookEvents"/>).</summary>
    public string Name { get; }

    /// <summary>The CloudEvents <c>subject</c>: the node's identity; null for fleet news.</summary>
    public string? Subject { get; }

    /// <summary>When it happened: the event's receipt time, for a death the sweep's, for fleet news when the view turned.</summary>
    public DateTimeOffset Time { get; }

    /// <summary>
    /// News of a node or a check. <paramref name="node"/> is the node as the writer published it with the news (null for
    /// a check, or a node already forgotten).
    /// </summary>
    public static WebhookNews Of(FleetNews news, string name, NodeSnapshot? node)
    {
        var id = IdOf(name, news.Identity, news.Component, news.Check, news.Version, news.At);
        object data = news.Check is { } check
            ? new WebhookCheck(news.Identity, check, news.Kind == NewsKind.CheckCritical ? "critical" : "ok", news.Detail)
            : node is not null ? node : new WebhookNodeGone(news.Identity, news.Component);
        return new WebhookNews(id, name, news.Identity, news.At, data);
    }

    /// <summary>The view turned current or not current at <paramref name="at"/>.</summary>
    public static WebhookNews OfCurrency(ViewCurrency currency, DateTimeOffset at)
    {
        var name = currency.IsCurrent ? WebhookEvents.FleetCurrent : WebhookEvents.FleetNotCurrent;
        return new WebhookNews(IdOf(name, null, null, null, null, at), name, null, at, currency);
    }

    /// <summary>
    /// The CloudEvent (structured mode, <c>application/cloudevents+json</c>): <c>specversion</c> 1.0, <c>id</c>,
    /// <c>source</c>, <c>type</c> (<see cref="WebhookEvents.TypePrefix"/> and the name), <c>subject</c>, <c>time</c>,
    /// <c>datacontenttype</c>, and <c>data</c>: a node as <c>/api/nodes</c> shows it, a check, or the view's currency as
    /// <c>/api/fleet</c> shows it. Built once; a node's live part (last seen) is read then.
    /// </summary>
    public byte[] Body(string source)
    {
        if (Volatile.Read(ref _body) is { } body)
        {
            return body;
        }

        Interlocked.CompareExchange(ref _body, Build(source), null);
        return _body!;
    }

    private byte[] Build(string source)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("specversion", "1.0");
            writer.WriteString("id", Id);
            writer.WriteString("source", source);
            writer.WriteString("type", WebhookEvents.TypePrefix + Name);
            if (Subject is not null)
            {
                writer.WriteString("subject", Subject);
            }

            writer.WriteString("time", Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("datacontenttype", "application/json");
            writer.WritePropertyName("data");
            switch (_data)
            {
                case NodeSnapshot node:
                    JsonSerializer.Serialize(writer, NodeItem.From(node), Json);
                    break;
                default:
                    JsonSerializer.Serialize(writer, _data, _data.GetType(), Json);
                    break;
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string IdOf(string name, string? identity, string? component, string? check, string? version, DateTimeOffset at)
    {
        // Separated by a character that cannot occur in what the hash is over (untrusted text is printable).
        var text = string.Join('\u0001', name, identity, component, check, version, at.UtcTicks.ToString(CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        FleetApi.ConfigureJson(options);
        return options;
    }
}

/// <summary>The <c>data</c> of <c>check.critical</c> and <c>check.recovered</c>.</summary>
/// <param name="Identity">The node the check runs on.</param>
/// <param name="Check">The check's name as Choria Scout gives it.</param>
/// <param name="Status"><c>critical</c>, or <c>ok</c> once recovered.</param>
/// <param name="Output">The start of the plugin's output (at most 200 characters); null when it said nothing.</param>
public sealed record WebhookCheck(string Identity, string Check, string Status, string? Output);

/// <summary>The <c>data</c> of news about a node the fleet no longer holds (forgotten before its news was posted).</summary>
public sealed record WebhookNodeGone(string Identity, string? Component);
