using System.Net;
using System.Net.WebSockets;
using ChoriaDashboard.Hosting.Security;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting.Security;

/// <summary>
/// Open circuits per client, with real connections on a real Kestrel port: a WebSocket and a server-sent events stream
/// count while open, the next is refused with 429, and a closed one makes room.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class CircuitLimitIntegrationTests(NatsServerFixture nats) : IAsyncLifetime
{
    private readonly List<ClientWebSocket> _sockets = [];
    private DashboardFactory _app = default!;
    private CircuitClient _circuits = default!;
    private HttpClient _http = default!;

    public Task InitializeAsync()
    {
        _app = new DashboardFactory(
            nats.Url,
            new Dictionary<string, string?>
            {
                // About the hardened surface, not sign-in: every request is anonymous, so all count against 127.0.0.1.
                ["Auth:Mode"] = "Unsecured",
                ["Security:MaxCircuitsPerClient"] = "2",
            },
            kestrel: true);
        _app.StartServer();
        _circuits = new CircuitClient(_app.ServerAddress);
        _http = new HttpClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var socket in _sockets)
        {
            await CircuitClient.CloseAsync(socket);
        }

        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Circuits_PastTheLimit_Answers429UntilOneCloses()
    {
        var first = await OpenAsync();
        using var events = await _circuits.OpenEventStreamAsync(_http);
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        await Eventually.TrueAsync(() => OpenCircuits == 2, TimeSpan.FromSeconds(20), "both connections to count");

        var (refused, status) = await _circuits.OpenWebSocketAsync(_http, _circuits.SameOrigin);
        Assert.Null(refused);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal(1, _app.Services.GetRequiredService<SecurityRefusals>().ByReason[RefusalReason.TooManyCircuits]);
        // Negotiating is not a circuit: it still answers.
        using var negotiate = await _circuits.NegotiateAsync(_http, _circuits.SameOrigin);
        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);

        _sockets.Remove(first);
        await CircuitClient.CloseAsync(first);
        await Eventually.TrueAsync(() => OpenCircuits == 1, TimeSpan.FromSeconds(20), "the closed circuit to be counted out");
        await OpenAsync();
        Assert.Equal(2, OpenCircuits);
    }

    private int OpenCircuits => _app.Services.GetRequiredService<CircuitCounter>().OpenBy("ip:127.0.0.1");

    private async Task<ClientWebSocket> OpenAsync()
    {
        var (socket, status) = await _circuits.OpenWebSocketAsync(_http, _circuits.SameOrigin);
        Assert.True(socket is not null, $"the circuit's WebSocket was refused with {status}");
        _sockets.Add(socket);
        return socket;
    }
}
