using System.Net;
using System.Security.Claims;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Hosting.Security;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting.Security;

/// <summary>
/// The rate limits through the real pipeline: <c>/api</c> per client with <c>Retry-After</c>, <c>/export</c> one at a
/// time fleet-wide with a short queue; every refusal a 429 that is counted.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class RateLimitIntegrationTests(NatsServerFixture nats)
{
    [Fact]
    public async Task Api_PastTheLimit_Answers429WithRetryAfterForThatClientOnly()
    {
        await using var app = new DashboardFactory(nats.Url, Settings(("Security:ApiRequestsPerMinute", "3")));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(StatusCodes.Status200OK, (await GetAsync(app, "/api/fleet", "10.0.0.1")).Response.StatusCode);
        }

        var refused = (await GetAsync(app, "/api/fleet", "10.0.0.1")).Response;
        Assert.Equal(StatusCodes.Status429TooManyRequests, refused.StatusCode);
        var retryAfter = int.Parse(refused.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.StartsWith("application/problem+json", refused.ContentType, StringComparison.Ordinal);
        Assert.StartsWith("Too many requests; try again in ", ProblemDetail(await new StreamReader(refused.Body).ReadToEndAsync()), StringComparison.Ordinal);

        // Another address, and a program with its own API key on the same address, each have their own allowance.
        Assert.Equal(StatusCodes.Status200OK, (await GetAsync(app, "/api/fleet", "10.0.0.2")).Response.StatusCode);
        Assert.Equal(StatusCodes.Status200OK, (await GetAsync(app, "/api/fleet", "10.0.0.1", apiKey: AliceKey)).Response.StatusCode);
        Assert.Equal(1, app.Services.GetRequiredService<SecurityRefusals>().ByReason[RefusalReason.ApiRateLimit]);
    }

    [Fact]
    public async Task Api_BehindAProxyWithForwardedHeadersEnabled_CountsEachBrowserNotTheProxy()
    {
        // ASPNETCORE_FORWARDEDHEADERS_ENABLED=true, as the README says to set behind a reverse proxy.
        await using var app = new DashboardFactory(nats.Url, Settings(("Security:ApiRequestsPerMinute", "1"), ("FORWARDEDHEADERS_ENABLED", "true")));

        var first = await GetAsync(app, "/api/fleet", "10.0.0.9", forwardedFor: "203.0.113.5");
        var second = await GetAsync(app, "/api/fleet", "10.0.0.9", forwardedFor: "203.0.113.6");
        var again = await GetAsync(app, "/api/fleet", "10.0.0.9", forwardedFor: "203.0.113.5");

        Assert.Equal(StatusCodes.Status200OK, first.Response.StatusCode);
        Assert.Equal(StatusCodes.Status200OK, second.Response.StatusCode);
        Assert.Equal(StatusCodes.Status429TooManyRequests, again.Response.StatusCode);
    }

    [Fact]
    public async Task Api_Limit_DoesNotReachTheUiOrTheProbes()
    {
        await using var app = new DashboardFactory(nats.Url, Settings(("Security:ApiRequestsPerMinute", "1")));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(StatusCodes.Status200OK, (await GetAsync(app, "/healthz", "10.0.0.1")).Response.StatusCode);
            Assert.Equal(StatusCodes.Status200OK, (await GetAsync(app, "/nodes", "10.0.0.1")).Response.StatusCode);
        }
    }

    [Fact]
    public async Task Export_WhileOneRunsAndTheQueueIsFull_Answers429AndRunsOneAtATime()
    {
        var gate = new GatedFleetView();
        await using var app = new DashboardFactory(
            nats.Url,
            Settings(("Security:ConcurrentExports", "1"), ("Security:ExportQueueLength", "1")),
            services: services => gate.Decorate(services));
        using var http = app.CreateClient();

        gate.Hold();
        var running = http.GetAsync(new Uri("/export/nodes.csv", UriKind.Relative));
        await Eventually.TrueAsync(() => gate.Inside == 1, TimeSpan.FromSeconds(20), "the first export to start");
        var second = http.GetAsync(new Uri("/export/nodes.json", UriKind.Relative));
        var third = http.GetAsync(new Uri("/export/nodes.csv?component=server", UriKind.Relative));

        // One of the two waits in the queue, the other is refused at once.
        var answeredFirst = await Task.WhenAny(second, third);
        using var refused = await answeredFirst;
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Retry-After"));
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("Too many exports at once", ProblemDetail(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(1, gate.Inside);

        gate.Release();
        using var first = await running;
        using var queued = await (answeredFirst == second ? third : second);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, queued.StatusCode);
        Assert.Equal(1, gate.MostInside);
        Assert.Equal(1, app.Services.GetRequiredService<SecurityRefusals>().ByReason[RefusalReason.ExportsBusy]);
    }

    private static string? ProblemDetail(string body)
    {
        using var problem = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
        return problem.RootElement.GetProperty("detail").GetString();
    }

    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] settings)
    {
        // About the hardened surface, not sign-in: every request is anonymous unless a test signs one in.
        var all = new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "Unsecured",
            ["Auth:ApiKeys:0:Name"] = "alice",
            ["Auth:ApiKeys:0:Key"] = AliceKey,
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return all;
    }

    /// <summary>A GET through the real pipeline from <paramref name="address"/>, signed in as <paramref name="user"/> when given.</summary>
    private const string AliceKey = "api-key-of-alice-0123456789";

    private static Task<HttpContext> GetAsync(DashboardFactory app, string path, string address, string? apiKey = null, string? forwardedFor = null) =>
        app.Server.SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Get;
            context.Request.Path = path;
            context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            if (forwardedFor is not null)
            {
                context.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }

            if (apiKey is not null)
            {
                context.Request.Headers["x-api-key"] = apiKey;
            }
        });

    /// <summary>
    /// The app's fleet view, held at the export's first read while <see cref="Hold"/> is in force, so a test can keep an
    /// export running as long as it needs. The export reads the fleet synchronously, so the hold is a blocking wait.
    /// </summary>
    private sealed class GatedFleetView : IFleetView
    {
        private readonly ManualResetEventSlim _open = new(true);
        private IFleetView _inner = default!;
        private int _inside;
        private int _mostInside;

        public int Inside => Volatile.Read(ref _inside);

        public int MostInside => Volatile.Read(ref _mostInside);

        public FleetSummary Summary
        {
            get
            {
                var inside = Interlocked.Increment(ref _inside);
                InterlockedMax(ref _mostInside, inside);
                try
                {
                    if (!_open.Wait(TimeSpan.FromSeconds(30)))
                    {
                        throw new TimeoutException("the test never released the export");
                    }

                    return _inner.Summary;
                }
                finally
                {
                    Interlocked.Decrement(ref _inside);
                }
            }
        }

        public IReadOnlyDictionary<NodeKey, NodeSnapshot> Nodes => _inner.Nodes;

        public IReadOnlyDictionary<string, MachineHost> Machines => _inner.Machines;

        public IReadOnlyList<FleetSample> Series => _inner.Series;

        public IReadOnlyList<FleetNews> RecentNews => _inner.RecentNews;

        public BroadcastSubscription<FleetUpdate> Subscribe(bool withEvents = false) => _inner.Subscribe(withEvents);

        public void Hold() => _open.Reset();

        public void Release() => _open.Set();

        public void Decorate(IServiceCollection services)
        {
            var original = services.Last(d => d.ServiceType == typeof(IFleetView));
            services.Remove(original);
            services.AddSingleton<IFleetView>(sp =>
            {
                _inner = (IFleetView)original.ImplementationFactory!(sp);
                return this;
            });
        }

        private static void InterlockedMax(ref int target, int value)
        {
            var current = Volatile.Read(ref target);
            while (value > current)
            {
                var seen = Interlocked.CompareExchange(ref target, value, current);
                if (seen == current)
                {
                    return;
                }

                current = seen;
            }
        }
    }
}
