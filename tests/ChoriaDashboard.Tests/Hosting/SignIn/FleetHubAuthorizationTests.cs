using System.Net;
using ChoriaDashboard.Tests.Api.Hub;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.Tests.Hosting.SignIn.SignInTestKit;

namespace ChoriaDashboard.Tests.Hosting.SignIn;

/// <summary>
/// Who may open <c>/hubs/fleet</c>, through the real pipeline on a real Kestrel port with the real .NET SignalR client:
/// the API's readers (a key in the header or in <c>access_token</c>, a signed-in browser), nobody else.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class FleetHubAuthorizationTests(NatsServerFixture nats) : IAsyncLifetime
{
    private DashboardFactory _app = default!;

    public Task InitializeAsync()
    {
        _app = App(nats.Url, kestrel: true);
        _app.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Anonymous_Connect_Refused401()
    {
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => HubRecorder.ConnectAsync(_app.ServerAddress));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task WrongKey_InHeaderOrAccessToken_Refused401()
    {
        var header = await Assert.ThrowsAsync<HttpRequestException>(() => HubRecorder.ConnectAsync(_app.ServerAddress, o => o.Headers["x-api-key"] = ApiKey + "x"));
        var query = await Assert.ThrowsAsync<HttpRequestException>(() => HubRecorder.ConnectAsync(_app.ServerAddress, query: $"?access_token={ApiKey}x"));

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (header.StatusCode, query.StatusCode));
    }

    [Fact]
    public async Task Key_InHeader_StreamsTheFleet()
    {
        await using var client = await (await HubRecorder.ConnectAsync(_app.ServerAddress, o => o.Headers["x-api-key"] = ApiKey)).StreamAsync();

        Assert.Equal("snapshot", HubRecorder.Kind(client.Messages[0]));
    }

    [Fact]
    public async Task Key_InAccessToken_StreamsTheFleetOverWebSockets()
    {
        // As a browser page must send it: a WebSocket cannot carry headers there.
        await using var client = await (await HubRecorder.ConnectAsync(
            _app.ServerAddress,
            o => o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets,
            query: $"?access_token={ApiKey}")).StreamAsync();

        Assert.Equal("snapshot", HubRecorder.Kind(client.Messages[0]));
    }

    [Theory]
    [InlineData(Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets)]
    [InlineData(Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling)]
    public async Task Key_FromAccessTokenProvider_StreamsTheFleet(Microsoft.AspNetCore.Http.Connections.HttpTransportType transport)
    {
        // SignalR's own way (accessTokenFactory in JavaScript): Authorization: Bearer on negotiate and long polling,
        // access_token on the WebSocket.
        await using var client = await (await HubRecorder.ConnectAsync(_app.ServerAddress, o =>
        {
            o.Transports = transport;
            o.AccessTokenProvider = () => Task.FromResult<string?>(ApiKey);
        })).StreamAsync();

        Assert.Equal("snapshot", HubRecorder.Kind(client.Messages[0]));
    }

    [Fact]
    public async Task WrongKey_FromAccessTokenProvider_Refused401()
    {
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => HubRecorder.ConnectAsync(_app.ServerAddress, o => o.AccessTokenProvider = () => Task.FromResult<string?>(ApiKey + "x")));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task SignedInBrowser_Cookie_StreamsTheFleet()
    {
        var cookies = await SignInAsync($"/login?t={BrowserToken}", HttpStatusCode.Redirect);

        await using var client = await (await HubRecorder.ConnectAsync(_app.ServerAddress, o => o.Cookies = cookies)).StreamAsync();

        Assert.Equal("snapshot", HubRecorder.Kind(client.Messages[0]));
    }

    [Fact]
    public async Task SignedInBrowser_PageOfAnotherOrigin_Refused403()
    {
        // A site the operator merely visits, using the operator's cookie.
        var cookies = await SignInAsync($"/login?t={BrowserToken}", HttpStatusCode.Redirect);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => HubRecorder.ConnectAsync(_app.ServerAddress, o =>
        {
            o.Cookies = cookies;
            o.Headers["Origin"] = "http://evil.example.com";
        }));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
    }

    [Fact]
    public async Task WallScreen_Cookie_Refused403()
    {
        // A wallboard link opens /wall only, not the fleet's nodes.
        var cookies = await SignInAsync($"/wall?token={WallToken}", HttpStatusCode.OK);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => HubRecorder.ConnectAsync(_app.ServerAddress, o => o.Cookies = cookies));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
    }

    private async Task<CookieContainer> SignInAsync(string path, HttpStatusCode expected)
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = _app.ServerAddress };
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(expected, response.StatusCode);
        return cookies;
    }
}
