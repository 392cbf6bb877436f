using System.Net;
using System.Text;
using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;
using static ChoriaDashboard.Tests.Ingest.Http.HttpIngestTestKit;

namespace ChoriaDashboard.Tests.Ingest.Http;

/// <summary>
/// <c>POST /api/events</c> through the real pipeline (sign-in, rate limit, endpoint, decoder, fleet writer), with a real
/// nats-server beside it: what a sender is answered, and what then shows in <c>/api/nodes</c> and <c>/api/fleet</c>.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class HttpIngestIntegrationTests(NatsServerFixture nats)
{
    [Fact]
    public async Task Structured_OneStartup_Accepted202AndTheNodeIsLive()
    {
        await using var app = App(nats.Url);
        using var http = app.CreateClient();
        var identity = NewIdentity("structured");

        var (status, answer) = await SendAsync(http, Structured(Startup(identity)));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal((1, 0, 0), (answer.GetProperty("accepted").GetInt32(), answer.GetProperty("duplicates").GetInt32(), answer.GetProperty("rejected").GetInt32()));
        var node = (await NodeAsync(http, identity)).GetProperty("components")[0];
        Assert.Equal(("server", "0.29.4", "live"), (node.GetProperty("component").GetString(), node.GetProperty("version").GetString(), node.GetProperty("state").GetString()));
        // Counted under its own source, beside the NATS subscriptions.
        Assert.Equal(1, (await FleetAsync(http)).GetProperty("ingest").GetProperty("received").GetProperty("http /api/events").GetInt64());
    }

    [Fact]
    public async Task Post_PastItsOwnRateLimit_429WithRetryAfter_WhileTheReadLimitIsItsOwn()
    {
        // One read a minute for the rest of /api, two posts a minute: posting is limited on its own.
        await using var app = App(nats.Url, new Dictionary<string, string?> { ["Security:ApiRequestsPerMinute"] = "1", ["HttpIngest:RequestsPerMinute"] = "2" });
        using var http = app.CreateClient();

        var first = await SendAsync(http, Structured(Startup(NewIdentity("limited"))));
        var second = await SendAsync(http, Structured(Startup(NewIdentity("limited"))));
        using var third = await http.SendAsync(Structured(Startup(NewIdentity("limited"))));

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.Status, second.Status));
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.True(third.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a Retry-After in seconds");
        // The posts did not use up the one read a minute; the refused post never reached ingest.
        var fleet = await FleetAsync(http);
        Assert.Equal(2, fleet.GetProperty("ingest").GetProperty("received").GetProperty("http /api/events").GetInt64());
    }

    [Fact]
    public async Task Binary_StartupWithCeHeaders_Accepted202AndTheNodeIsLive()
    {
        await using var app = App(nats.Url);
        using var http = app.CreateClient();
        var identity = NewIdentity("binary");

        var (status, answer) = await SendAsync(http, Binary(Startup(identity, version: "0.29.5")));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("accepted", answer.GetProperty("events")[0].GetProperty("status").GetString());
        var node = (await NodeAsync(http, identity)).GetProperty("components")[0];
        Assert.Equal("0.29.5", node.GetProperty("version").GetString());
        // Shown as a binary-mode CloudEvent, as one from the broker would be.
        Assert.Equal("cloudEventBinary", (await NodeAsync(http, identity)).GetProperty("events")[0].GetProperty("format").GetString());
    }

    [Fact]
    public async Task Binary_PercentEncodedHeaders_DecodedAsTheHttpBindingSays()
    {
        await using var app = App(nats.Url);
        using var http = app.CreateClient();
        var identity = NewIdentity("encoded");
        using var request = Binary(Startup(identity));
        request.Headers.Remove("ce-source");
        // %2E is ".": read undecoded, the source would not be Choria's and the event would be rejected.
        request.Headers.Add("ce-source", "io%2Echoria%2Elifecycle");

        var (status, _) = await SendAsync(http, request);

        Assert.Equal(HttpStatusCode.Accepted, status);
        await NodeAsync(http, identity);
    }

    [Fact]
    public async Task Batch_OneNonChoriaEventAmongGoodOnes_GoodOnesAppliedAndTheAnswerSaysWhich()
    {
        await using var app = App(nats.Url);
        using var http = app.CreateClient();
        var good = new[] { NewIdentity("batch-a"), NewIdentity("batch-b") };
        var foreign = Encoding.UTF8.GetBytes("""{"specversion":"1.0","id":"x-1","source":"/shop","type":"com.example.order.placed","data":{"order":7}}""");

        var (status, answer) = await SendAsync(http, Batch([StructuredBody(Startup(good[0])), foreign, StructuredBody(Transition(good[1], "check_httpd", "unknown", "ok", "OK"))]));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal((2, 1), (answer.GetProperty("accepted").GetInt32(), answer.GetProperty("rejected").GetInt32()));
        var events = answer.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["accepted", "rejected", "accepted"], events.Select(e => e.GetProperty("status").GetString()));
        Assert.Equal((1, "x-1", "notChoriaEvent"), (events[1].GetProperty("index").GetInt32(), events[1].GetProperty("id").GetString(), events[1].GetProperty("reason").GetString()));
        await NodeAsync(http, good[0]);
        Assert.Equal("check_httpd", (await NodeAsync(http, good[1])).GetProperty("machines")[0].GetProperty("machine").GetString());
        Assert.Equal(1, (await FleetAsync(http)).GetProperty("ingest").GetProperty("rejectedByReason").GetProperty("notChoriaEvent").GetInt64());
    }

    [Fact]
    public async Task Batch_EveryEventRejected_400WithEachReason()
    {
        await using var app = App(nats.Url);
        using var http = app.CreateClient();

        var (status, problem) = await SendAsync(http, Batch([Encoding.UTF8.GetBytes("""{"specversion":"1.0","id":"1","source":"io.choria.lifecycle","type":"io.choria.lifecycle.v1.startup","data":{"protocol":"io.choria.lifecycle.v1.startup"}}""")]));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("missingField", problem.GetProperty("events")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Structured_MalformedJson_400ProblemNotJson()
    {
        await using var app = App(nats.Url);
        using var http = app.CreateClient();

        var (status, problem) = await SendAsync(http, Post(Encoding.UTF8.GetBytes("""{"specversion":"1.0","id":"""), StructuredType));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("notJson", problem.GetProperty("events")[0].GetProperty("reason").GetString());
        Assert.Equal(1, (await FleetAsync(http)).GetProperty("ingest").GetProperty("rejectedByReason").GetProperty("notJson").GetInt64());
    }

    [Fact]
    public async Task Structured_NonChoriaType_400NotChoriaEventAndNothingApplied()
    {
        await using var app = App(nats.Url);
        using var http = app.CreateClient();
        var identity = NewIdentity("foreign");
        // Choria's data and source, someone else's type.
        var body = Encoding.UTF8.GetString(StructuredBody(Startup(identity))).Replace("\"type\":\"io.choria.lifecycle.v1.startup\"", "\"type\":\"com.example.startup\"", StringComparison.Ordinal);

        var (status, problem) = await SendAsync(http, Post(Encoding.UTF8.GetBytes(body), StructuredType));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("notChoriaEvent", problem.GetProperty("events")[0].GetProperty("reason").GetString());
        Assert.Equal(0, (await FleetAsync(http)).GetProperty("totals").GetProperty("nodes").GetInt32());
    }

    [Fact]
    public async Task Post_BodyOverMaxRequestBytes_413()
    {
        await using var app = App(nats.Url);
        using var http = app.CreateClient();
        var huge = new byte[70_000];
        Array.Fill(huge, (byte)' ');

        var (status, problem) = await SendAsync(http, Post(huge, StructuredType));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("HttpIngest:MaxRequestBytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Structured_OneEventOverIngestMaxPayloadBytes_413LikeFromTheBroker()
    {
        await using var app = App(nats.Url, new Dictionary<string, string?> { ["Ingest:MaxPayloadBytes"] = "1024" });
        using var http = app.CreateClient();
        var body = Encoding.UTF8.GetString(StructuredBody(Startup(NewIdentity("large")))).Replace("\"version\":\"0.29.4\"", $"\"version\":\"0.29.4\",\"padding\":\"{new string('x', 2000)}\"", StringComparison.Ordinal);

        var (status, problem) = await SendAsync(http, Post(Encoding.UTF8.GetBytes(body), StructuredType));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("tooLarge", problem.GetProperty("events")[0].GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData("application/cloudevents+json; charset=iso-8859-1")]
    public async Task Post_NotCloudEventsInJson_415(string contentType)
    {
        await using var app = App(nats.Url);
        using var http = app.CreateClient();

        var (status, _) = await SendAsync(http, Post(StructuredBody(Startup(NewIdentity("media"))), contentType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
    }

    [Fact]
    public async Task Structured_SentTwice_AppliedOnceAndTheRetryAnsweredDuplicate()
    {
        await using var app = App(nats.Url);
        using var http = app.CreateClient();
        var identity = NewIdentity("retried");
        var marker = NewIdentity("marker");
        var startup = Startup(identity, id: Guid.NewGuid().ToString());

        var first = await SendAsync(http, Structured(startup));
        var retry = await SendAsync(http, Structured(startup));
        await SendAsync(http, Structured(Startup(marker)));

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.Status, retry.Status));
        Assert.Equal("accepted", first.Body.GetProperty("events")[0].GetProperty("status").GetString());
        Assert.Equal("duplicate", retry.Body.GetProperty("events")[0].GetProperty("status").GetString());
        // The writer applies in order: once the marker is in, the retry would have been too.
        await NodeAsync(http, marker);
        var events = (await NodeAsync(http, identity)).GetProperty("events").EnumerateArray();
        Assert.Single(events, e => e.GetProperty("type").GetString() == "startup");
    }

    [Fact]
    public async Task Post_WithoutAKey_401()
    {
        await using var app = App(nats.Url);
        using var http = app.CreateClient();

        var (status, _) = await SendAsync(http, Structured(Startup(NewIdentity("anonymous")), key: null));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Post_WithAKeyThatMayOnlyRead_403()
    {
        await using var app = App(nats.Url);
        using var http = app.CreateClient();

        var (status, _) = await SendAsync(http, Structured(Startup(NewIdentity("reader")), key: ChoriaDashboard.Tests.Hosting.SignIn.SignInTestKit.ApiKey));

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task Post_FromASignedInBrowserWithItsCookie_401AndNothingApplied()
    {
        await using var app = App(nats.Url);
        using var browser = await ChoriaDashboard.Tests.Hosting.SignIn.SignInTestKit.SignedInBrowserAsync(app);
        var identity = NewIdentity("cookie");

        var (status, _) = await SendAsync(browser, Structured(Startup(identity), key: null));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(0, (await FleetAsync(browser)).GetProperty("totals").GetProperty("nodes").GetInt32());
    }

    [Fact]
    public async Task Post_InUnsecuredModeWithoutAKey_401()
    {
        await using var app = App(nats.Url, new Dictionary<string, string?> { ["Auth:Mode"] = "Unsecured" });
        using var http = app.CreateClient();

        var (status, _) = await SendAsync(http, Structured(Startup(NewIdentity("unsecured")), key: null));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Post_HttpIngestNotEnabled_NotMapped()
    {
        await using var app = App(nats.Url, new Dictionary<string, string?> { ["HttpIngest:Enabled"] = "false" });
        using var http = app.CreateClient();

        var (status, _) = await SendAsync(http, Structured(Startup(NewIdentity("off"))));

        // GET /api/events (the recent events) is there; nothing takes a POST.
        Assert.Equal(HttpStatusCode.MethodNotAllowed, status);
    }
}
