using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ChoriaDashboard.Hosting.Security;

/// <summary>
/// Refuses (403) a Blazor circuit or hub request sent by a page of another origin: a browser sends the page's origin
/// with every WebSocket and every cross-origin <c>fetch</c>, and a site an operator merely visits must not read the fleet
/// through the operator's browser. A request without <c>Origin</c> (a program, not a browser page) passes to sign-in.
/// </summary>
public sealed class OriginCheckMiddleware(RequestDelegate next, IOptions<SecurityOptions> options, SecurityRefusals refusals)
{
    /// <summary>The Blazor circuit (<c>/_blazor</c>, its negotiate and its transports) and the SignalR hubs.</summary>
    public static readonly PathString[] GuardedPaths = ["/_blazor", "/hubs"];

    private readonly Uri[] _allowed = [.. options.Value.AllowedOrigins.Select(o => RequestOrigins.TryParseOrigin(o, out var uri) ? uri : null).OfType<Uri>()];

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Headers.TryGetValue(HeaderNames.Origin, out var origin) || !GuardedPaths.Any(p => request.Path.StartsWithSegments(p)))
        {
            return next(context);
        }

        // One origin, parsed ("null", sent by sandboxed frames and file: pages, is none), the request's own host or listed.
        if (origin.Count == 1 && RequestOrigins.TryParseOrigin(origin[0], out var uri)
            && (RequestOrigins.IsSameHost(uri, request.Host, request.Scheme) || _allowed.Any(a => RequestOrigins.AreSame(a, uri))))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        refusals.Refused(RefusalReason.CrossOrigin, context, $"Origin {origin} is not {request.Host} nor in Security:AllowedOrigins");
        return Task.CompletedTask;
    }
}
