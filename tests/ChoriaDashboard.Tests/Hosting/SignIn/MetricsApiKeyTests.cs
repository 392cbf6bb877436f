using System.Net;
using System.Net.Http.Headers;
using ChoriaDashboard.Api.Metrics;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.Tests.Hosting.SignIn.SignInTestKit;

namespace ChoriaDashboard.Tests.Hosting.SignIn;

/// <summary>
/// Who may scrape <c>/metrics</c>: anyone, as Prometheus expects, unless <c>Metrics:RequireApiKey</c>; then a key from
/// <c>Auth:ApiKeys</c> in <c>x-api-key</c> or as <c>Authorization: Bearer</c> (what Prometheus' <c>authorization</c>
/// setting sends).
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class MetricsApiKeyTests(NatsServerFixture nats)
{
    private static readonly Dictionary<string, string?> RequireKey = new() { ["Metrics:RequireApiKey"] = "true" };

    [Fact]
    public async Task Metrics_SignInOnButNoKeyRequired_ScrapedAnonymously()
    {
        await using var app = App(nats.Url);
        using var http = Browser(app);

        using var response = await http.GetAsync(Path("/metrics"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Exposition.ContentType, response.Content.Headers.ContentType?.ToString());
        Assert.Contains("# TYPE choria_dashboard_broker_connected gauge", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_KeyRequiredAndNoneSent_Refused401()
    {
        await using var app = App(nats.Url, more: RequireKey);
        using var http = Browser(app);

        using var response = await http.GetAsync(Path("/metrics"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("x-api-key", ApiKey, HttpStatusCode.OK)]
    [InlineData("Bearer", ApiKey, HttpStatusCode.OK)]
    [InlineData("Bearer", "not-the-key-0123456789abcdef", HttpStatusCode.Unauthorized)]
    [InlineData("Basic", ApiKey, HttpStatusCode.Unauthorized)]
    public async Task Metrics_KeyRequired_AnsweredAsTheKeySays(string scheme, string key, HttpStatusCode expected)
    {
        await using var app = App(nats.Url, more: RequireKey);
        using var http = Browser(app);
        if (scheme == "x-api-key")
        {
            http.DefaultRequestHeaders.Add("x-api-key", key);
        }
        else
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, key);
        }

        using var response = await http.GetAsync(Path("/metrics"));

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Api_BearerKey_NotTakenOutsideMetrics()
    {
        await using var app = App(nats.Url, more: RequireKey);
        using var http = Browser(app);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);

        using var response = await http.GetAsync(Path("/api/fleet"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
