using System.Security.Claims;
using ChoriaDashboard.Components;
using Microsoft.AspNetCore.Http.Features;

namespace ChoriaDashboard.Hosting.WarmUp;

/// <summary>
/// The app's own request pipeline (routing, security headers, sign-in, authorization, the endpoints), captured when the
/// host builds it, and a way to send it a GET from inside the process. Such a request never passes the server: it is not
/// in the server's request log or request metrics, and nothing outside the process can send or see one.
/// </summary>
public sealed class WarmUpPipeline(IHttpContextFactory contexts, IServiceScopeFactory scopes)
{
    /// <summary>The name the warm-up's requests are signed in with (never a user's: no cookie, token or key carries it).</summary>
    public const string UserName = "warm-up";

    private readonly TaskCompletionSource<RequestDelegate> _pipeline = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// A viewer that exists only inside the process: the sign-in middleware keeps a request's user when no cookie or key
    /// says otherwise, and this user is set only on the requests <see cref="GetAsync"/> makes.
    /// </summary>
    private static readonly ClaimsPrincipal User = new(new ClaimsIdentity(
        [
            new Claim(DashboardClaims.Name, UserName),
            new Claim(DashboardClaims.Access, DashboardPolicies.Viewer),
            new Claim(DashboardClaims.Method, UserName),
        ],
        UserName,
        DashboardClaims.Name,
        DashboardClaims.Access));

    /// <summary>Completes once the host has built the pipeline (when the server starts).</summary>
    public Task<RequestDelegate> Built => _pipeline.Task;

    /// <summary>
    /// A pass-through that hands the rest of the pipeline to the warm-up; it adds no step to a request. Call at the head
    /// of the pipeline, right before routing.
    /// </summary>
    public void Capture(IApplicationBuilder app) =>
        app.Use(next =>
        {
            _pipeline.TrySetResult(next);
            return next;
        });

    /// <summary>GETs <paramref name="pathAndQuery"/> (e.g. <c>/nodes?state=dead</c>) through the pipeline as the warm-up's viewer.</summary>
    /// <returns>The status code and, when <paramref name="keepBody"/>, the body as text.</returns>
    /// <exception cref="OperationCanceledException">Cancelled before the pipeline was built.</exception>
    /// <remarks>An exception the pipeline does not turn into an error page (in Development) is thrown.</remarks>
    public async Task<(int Status, string? Body)> GetAsync(string pathAndQuery, bool keepBody, CancellationToken cancellationToken)
    {
        var pipeline = await Built.WaitAsync(cancellationToken);
        var split = pathAndQuery.Split('?', 2);
        var request = new HttpRequestFeature
        {
            Method = HttpMethods.Get,
            Scheme = "http",
            Protocol = "HTTP/1.1",
            PathBase = "",
            Path = split[0],
            QueryString = split.Length == 2 ? "?" + split[1] : "",
            RawTarget = pathAndQuery,
        };
        request.Headers.Host = "localhost";
        // As a browser asks, so the same representation (a compressed asset) is read and kept in the page cache.
        request.Headers.Accept = "text/html,application/xhtml+xml,*/*;q=0.8";
        request.Headers.AcceptEncoding = "gzip, deflate, br, zstd";

        await using var scope = scopes.CreateAsyncScope();
        using var body = new MemoryStream();
        var response = new WarmUpResponseFeature();
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(request);
        features.Set<IHttpResponseFeature>(response);
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(body));
        features.Set<IHttpRequestLifetimeFeature>(new HttpRequestLifetimeFeature { RequestAborted = cancellationToken });
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature { ConnectionId = UserName });
        features.Set<IServiceProvidersFeature>(new ServiceProvidersFeature { RequestServices = scope.ServiceProvider });
        var context = contexts.Create(features);
        try
        {
            context.User = User;
            await pipeline(context);
            return (context.Response.StatusCode, keepBody ? System.Text.Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length) : null);
        }
        finally
        {
            await response.CompleteAsync();
            contexts.Dispose(context);
        }
    }

    /// <summary>A response that runs what was registered to run on completion (disposals), as the server would.</summary>
    private sealed class WarmUpResponseFeature : HttpResponseFeature
    {
        private readonly Stack<(Func<object, Task> Callback, object State)> _completed = new();

        public override void OnCompleted(Func<object, Task> callback, object state) => _completed.Push((callback, state));

        public async Task CompleteAsync()
        {
            while (_completed.TryPop(out var entry))
            {
                await entry.Callback(entry.State);
            }
        }
    }
}
