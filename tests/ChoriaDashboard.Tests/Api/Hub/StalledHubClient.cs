using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ChoriaDashboard.Tests.Api.Hub;

/// <summary>
/// A hub client that speaks SignalR's JSON protocol over a raw WebSocket with a tiny socket receive buffer, so that when
/// it stops reading, the server's sends really block (TCP backpressure), as with a frozen browser tab or a stuck script.
/// </summary>
public sealed class StalledHubClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly ClientWebSocket _socket = new();
    private readonly HttpMessageInvoker _invoker;
    private readonly StringBuilder _pending = new();
    private readonly byte[] _buffer = new byte[16 * 1024];

    private StalledHubClient(HttpMessageInvoker invoker) => _invoker = invoker;

    /// <summary>Connects (skipping negotiate, as SignalR allows over WebSockets), shakes hands and opens the Fleet stream for all components.</summary>
    public static async Task<StalledHubClient> OpenAsync(Uri server, CancellationToken cancellationToken)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var client = new StalledHubClient(new HttpMessageInvoker(handler));
        var uri = new UriBuilder(server) { Scheme = server.Scheme == "https" ? "wss" : "ws", Path = "/hubs/fleet" }.Uri;
        await client._socket.ConnectAsync(uri, client._invoker, cancellationToken);
        await client.SendAsync("""{"protocol":"json","version":1}""", cancellationToken);
        var handshake = await client.ReadAsync(cancellationToken);
        if (handshake.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"handshake refused: {error}");
        }

        await client.SendAsync("""{"type":4,"invocationId":"1","target":"Fleet","arguments":[null]}""", cancellationToken);
        return client;
    }

    /// <summary>The next stream item (a hub message), skipping pings; throws when the stream completes.</summary>
    public async Task<JsonElement> ReadItemAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await ReadAsync(cancellationToken);
            switch (message.GetProperty("type").GetInt32())
            {
                case 2:
                    return message.GetProperty("item");
                case 3:
                    throw new InvalidOperationException($"the stream completed: {message}");
                case 7:
                    throw new InvalidOperationException($"the server closed the connection: {message}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        _invoker.Dispose();
        await Task.CompletedTask;
    }

    private Task SendAsync(string json, CancellationToken cancellationToken) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, true, cancellationToken);

    private async Task<JsonElement> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var text = _pending.ToString();
            var end = text.IndexOf(RecordSeparator, StringComparison.Ordinal);
            if (end >= 0)
            {
                _pending.Remove(0, end + 1);
                using var document = JsonDocument.Parse(text[..end]);
                return document.RootElement.Clone();
            }

            var result = await _socket.ReceiveAsync(_buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"the server closed the WebSocket: {result.CloseStatus} {result.CloseStatusDescription}");
            }

            _pending.Append(Encoding.UTF8.GetString(_buffer, 0, result.Count));
        }
    }
}
