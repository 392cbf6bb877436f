using System.Text;
using System.Text.Json;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Webhooks;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;
using Xunit;

namespace ChoriaDashboard.Tests.Webhooks;

/// <summary>What a delivery carries: a CloudEvent with a deterministic id, signed so the reference verifier accepts it.</summary>
public sealed class WebhookNewsTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static readonly DateTimeOffset At = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Of_TheSameNewsTwice_HasTheSameIdAndAnotherMomentAnother()
    {
        var news = new FleetNews(At, NewsKind.Died, "web1.example.net", "server", null, null, Replayed: false);

        var once = WebhookNews.Of(news, WebhookEvents.NodeDied, null);
        var again = WebhookNews.Of(news with { }, WebhookEvents.NodeDied, null);
        var later = WebhookNews.Of(news with { At = At.AddTicks(1) }, WebhookEvents.NodeDied, null);

        Assert.Equal(once.Id, again.Id);
        Assert.NotEqual(once.Id, later.Id);
        Assert.Matches("^[0-9a-f]{32}$", once.Id);
    }

    [Fact]
    public void Body_CheckCritical_IsAStructuredCloudEventWithTheCheck()
    {
        var news = new FleetNews(At, NewsKind.CheckCritical, "web1.example.net", null, "check_disk", "DISK CRITICAL - 2% free", Replayed: false);

        using var body = JsonDocument.Parse(WebhookNews.Of(news, WebhookEvents.CheckCritical, null).Body("/dashboards/ams1"));

        var e = body.RootElement;
        Assert.Equal(
            ("1.0", "io.choria.dashboard.v1.check.critical", "/dashboards/ams1", "web1.example.net", "2026-12-07T10:00:00.0000000Z", "application/json"),
            (e.GetProperty("specversion").GetString(), e.GetProperty("type").GetString(), e.GetProperty("source").GetString(), e.GetProperty("subject").GetString(),
                e.GetProperty("time").GetString(), e.GetProperty("datacontenttype").GetString()));
        Assert.Equal(("check_disk", "critical", "DISK CRITICAL - 2% free"), (
            e.GetProperty("data").GetProperty("check").GetString(), e.GetProperty("data").GetProperty("status").GetString(), e.GetProperty("data").GetProperty("output").GetString()));
    }

    [Fact]
    public void Body_FleetNotCurrent_HasNoSubjectAndTheCurrencyAsTheApiShowsIt()
    {
        var currency = new ViewCurrency { IsCurrent = false, NotCurrentSince = At, Reason = "broker disconnected", LivenessPaused = true };

        using var body = JsonDocument.Parse(WebhookNews.OfCurrency(currency, At).Body("/choria-dashboard"));

        Assert.False(body.RootElement.TryGetProperty("subject", out _));
        Assert.Equal("io.choria.dashboard.v1.fleet.not_current", body.RootElement.GetProperty("type").GetString());
        Assert.Equal((false, "broker disconnected"), (body.RootElement.GetProperty("data").GetProperty("isCurrent").GetBoolean(), body.RootElement.GetProperty("data").GetProperty("reason").GetString()));
    }

    [Fact]
    public void Sign_ABody_VerifiesWithTheReferenceLibraryAndNotWithAnotherSecret()
    {
        var news = WebhookNews.Of(new FleetNews(At, NewsKind.Started, "web1.example.net", "server", null, null, false) { Version = "0.29.4" }, WebhookEvents.NodeStarted, null);
        var body = news.Body("/choria-dashboard");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var headers = new HeaderDictionary
        {
            [WebhookSignature.IdHeader] = news.Id,
            [WebhookSignature.TimestampHeader] = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [WebhookSignature.SignatureHeader] = WebhookSignature.Sign(WebhookSignature.DecodeSecret(Secret)!, news.Id, timestamp, body),
        };

        new StandardWebhook(Secret).Verify(Encoding.UTF8.GetString(body), headers);
        Assert.StartsWith("v1,", headers[WebhookSignature.SignatureHeader].ToString(), StringComparison.Ordinal);
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook("whsec_" + Convert.ToBase64String(new byte[24])).Verify(Encoding.UTF8.GetString(body), headers));
    }

    [Fact]
    public void Endpoint_UrlWithPasswordAndToken_IsShownWithoutEitherAndSendsBasicAuthentication()
    {
        var endpoint = new WebhookEndpoint(0, new WebhookEndpointOptions { Url = "https://hooks:hunter2@hooks.example.com:8443/in/choria?token=hunter3", Secret = Secret, Events = ["node.died"] }, 10);

        Assert.Equal("https://hooks.example.com:8443/in/choria?…", endpoint.DisplayUrl);
        Assert.Equal("https://hooks.example.com:8443/in/choria?token=hunter3", endpoint.Url.ToString());
        Assert.Equal(("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("hooks:hunter2"))), (endpoint.Authorization!.Scheme, endpoint.Authorization.Parameter));
        Assert.DoesNotContain("hunter", JsonSerializer.Serialize(endpoint.Status()), StringComparison.Ordinal);
    }

    [Fact]
    public void Endpoint_QueueFull_DropsTheOldestAndCountsIt()
    {
        var endpoint = new WebhookEndpoint(0, new WebhookEndpointOptions { Url = "http://127.0.0.1:1/", Secret = Secret, Events = ["node.started"] }, capacity: 2);
        var news = Enumerable.Range(0, 3).Select(i => WebhookNews.Of(new FleetNews(At, NewsKind.Started, $"n{i}", "server", null, null, false), WebhookEvents.NodeStarted, null)).ToList();

        news.ForEach(endpoint.Enqueue);

        Assert.Equal((1L, 2), (endpoint.Status().Dropped, endpoint.Status().QueueLength));
        Assert.True(endpoint.Queue.TryRead(out var first));
        Assert.Equal(news[1].Id, first.Id);
    }
}
