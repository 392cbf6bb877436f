using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ChoriaDashboard.Tests.Hosting.Security;

/// <summary>
/// Opens Blazor circuit connections as a browser's blazor.web.js does, against a real Kestrel: negotiate, then the
/// WebSocket (or server-sent events) with the SignalR handshake, with whatever <c>Origin</c> a test gives.
/// </summary>
internal sealed class CircuitClient(Uri server)
{
    private const char RecordSeparator = '\u001e';

    public Uri Server { get; } = server;

    /// <summary>The server's own origin, as a browser on one of its pages sends it.</summary>
    public string SameOrigin => Server.GetLeftPart(UriPartial.Authority);

    /// <summary><c>POST /_blazor/negotiate</c> with <paramref name="origin"/> (none when null).</summary>
    public async Task<HttpResponseMessage> NegotiateAsync(HttpClient http, string? origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Server, "/_blazor/negotiate?negotiateVersion=1"));
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await http.SendAsync(request);
    }

    /// <summary>A connection token from a same-origin negotiate.</summary>
    public async Task<string> ConnectionTokenAsync(HttpClient http)
    {
        using var response = await NegotiateAsync(http, SameOrigin);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("connectionToken").GetString()!;
    }

    /// <summary>
    /// Opens the circuit's WebSocket with <paramref name="origin"/> and completes the SignalR handshake; the server's
    /// status code when it refuses the upgrade.
    /// </summary>
    public async Task<(ClientWebSocket? Socket, HttpStatusCode Status)> OpenWebSocketAsync(HttpClient http, string? origin)
    {
        var token = await ConnectionTokenAsync(http);
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        var uri = new UriBuilder(new Uri(Server, "/_blazor?id=" + Uri.EscapeDataString(token))) { Scheme = "ws" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await socket.ConnectAsync(uri, timeout.Token);
        }
        catch (WebSocketException)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            return (null, status);
        }

        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"blazorpack\",\"version\":1}" + RecordSeparator), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[1024];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        var handshake = Encoding.UTF8.GetString(buffer, 0, received.Count);
        if (handshake != "{}" + RecordSeparator)
        {
            throw new InvalidOperationException($"the circuit's handshake answered {handshake}");
        }

        return (socket, socket.HttpStatusCode);
    }

    /// <summary>Opens the circuit's server-sent events stream (the fallback transport); the response stays open until disposed.</summary>
    public async Task<HttpResponseMessage> OpenEventStreamAsync(HttpClient http)
    {
        var token = await ConnectionTokenAsync(http);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Server, "/_blazor?id=" + Uri.EscapeDataString(token)));
        request.Headers.Add("Accept", "text/event-stream");
        request.Headers.Add("Origin", SameOrigin);
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>Closes <paramref name="socket"/> as a browser tab closing would.</summary>
    public static async Task CloseAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        }
        catch (WebSocketException)
        {
        }

        socket.Dispose();
    }
}
