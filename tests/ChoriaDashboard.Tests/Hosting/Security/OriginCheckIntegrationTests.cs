using System.Net;
using ChoriaDashboard.Hosting.Security;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting.Security;

/// <summary>
/// Circuits from other origins are refused through the real pipeline on a real Kestrel port: the negotiate a page of
/// another site would send, and the WebSocket it would open, get 403; the dashboard's own pages and programs pass.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class OriginCheckIntegrationTests(NatsServerFixture nats) : IAsyncLifetime
{
    private const string Evil = "http://evil.example.com";
    private DashboardFactory _app = default!;
    private CircuitClient _circuits = default!;
    private HttpClient _http = default!;

    public Task InitializeAsync()
    {
        _app = new DashboardFactory(
            nats.Url,
            new Dictionary<string, string?>
            {
                // About the hardened surface, not sign-in: every request is anonymous.
                ["Auth:Mode"] = "Unsecured",
                ["Security:AllowedOrigins:0"] = "https://dashboard.example.com",
            },
            kestrel: true);
        _app.StartServer();
        _circuits = new CircuitClient(_app.ServerAddress);
        _http = new HttpClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Negotiate_FromAnotherOrigin_Answers403AndIsCounted()
    {
        using var response = await _circuits.NegotiateAsync(_http, Evil);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(1, _app.Services.GetRequiredService<SecurityRefusals>().ByReason[RefusalReason.CrossOrigin]);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("http://127.0.0.1:1")]
    [InlineData("http://evil.example.com, http://127.0.0.1")]
    public async Task Negotiate_FromAnOriginThatIsNotOurs_Answers403(string origin)
    {
        using var response = await _circuits.NegotiateAsync(_http, origin);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Negotiate_SameOriginOrNoneOrListed_Answers200()
    {
        using var same = await _circuits.NegotiateAsync(_http, _circuits.SameOrigin);
        using var none = await _circuits.NegotiateAsync(_http, null);
        using var listed = await _circuits.NegotiateAsync(_http, "https://dashboard.example.com");

        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
    }

    [Fact]
    public async Task Negotiate_BehindATlsTerminatingProxy_HttpsOriginOfThePublicHostAnswers200()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_circuits.Server, "/_blazor/negotiate?negotiateVersion=1"));
        request.Headers.Host = "wall.example.net";
        request.Headers.Add("Origin", "https://wall.example.net");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task WebSocket_FromAnotherOrigin_IsRefusedWith403()
    {
        var (socket, status) = await _circuits.OpenWebSocketAsync(_http, Evil);

        Assert.Null(socket);
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task WebSocket_SameOrigin_OpensAndCompletesTheHandshake()
    {
        var (socket, status) = await _circuits.OpenWebSocketAsync(_http, _circuits.SameOrigin);

        Assert.NotNull(socket);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, status);
        await CircuitClient.CloseAsync(socket);
    }

    [Fact]
    public async Task OtherPaths_FromAnotherOrigin_AreNotTheOriginChecksToRefuse()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_circuits.Server, "/healthz"));
        request.Headers.Add("Origin", Evil);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
