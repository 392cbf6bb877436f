using System.Net;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting.Security;

/// <summary>
/// <c>AllowedHosts</c> (ASP.NET Core's host filtering) through the real pipeline: with a list set, a request naming
/// another host (a DNS rebinding page, whose browser sends the attacker's name) is refused before anything answers.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class AllowedHostsIntegrationTests(NatsServerFixture nats)
{
    [Theory]
    [InlineData("dashboard.example.com", HttpStatusCode.OK)]
    [InlineData("DASHBOARD.example.com:8080", HttpStatusCode.OK)]
    [InlineData("localhost", HttpStatusCode.OK)]
    [InlineData("rebind.evil.example", HttpStatusCode.BadRequest)]
    [InlineData("127.0.0.2", HttpStatusCode.BadRequest)]
    public async Task Request_AllowedHostsSet_OnlyListedHostsAnswer(string host, HttpStatusCode expected)
    {
        await using var app = new DashboardFactory(nats.Url, new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "Unsecured",
            ["AllowedHosts"] = "localhost;127.0.0.1;dashboard.example.com",
        });
        using var http = app.CreateClient();

        foreach (var path in new[] { "/", "/api/fleet", "/_blazor/negotiate?negotiateVersion=1" })
        {
            using var request = new HttpRequestMessage(path.StartsWith("/_blazor", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get, new Uri(path, UriKind.Relative));
            request.Headers.Host = host;

            using var response = await http.SendAsync(request);

            Assert.True(expected == response.StatusCode, $"{host} {path}: {response.StatusCode}");
        }
    }

    [Fact]
    public async Task Request_AllowedHostsStar_AnyHostAnswers()
    {
        await using var app = new DashboardFactory(nats.Url, new Dictionary<string, string?> { ["Auth:Mode"] = "Unsecured", ["AllowedHosts"] = "*" });
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/healthz", UriKind.Relative));
        request.Headers.Host = "anything.example";

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
