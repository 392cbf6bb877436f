namespace ChoriaDashboard.Hosting.Security;

/// <summary>
/// Bounds the open circuits per client (<c>Security:MaxCircuitsPerClient</c>, 429 beyond): each costs the server a
/// renderer, a fleet subscription and its buffer for as long as it stays open.
/// </summary>
/// <remarks>
/// What is counted is the circuit's connection request, <c>GET /_blazor?id=…</c>: over WebSockets or server-sent events
/// it lasts as long as the connection, and over long polling each connection has one poll waiting at a time. Negotiate
/// and the other short requests under <c>/_blazor</c> are not counted.
/// </remarks>
public sealed class CircuitLimitMiddleware(RequestDelegate next, CircuitCounter counter, SecurityRefusals refusals)
{
    private static readonly PathString CircuitPath = "/_blazor";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method) || context.Request.Path != CircuitPath)
        {
            await next(context);
            return;
        }

        var client = ClientKey.Of(context);
        if (!counter.TryOpen(client))
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            refusals.Refused(RefusalReason.TooManyCircuits, context);
            return;
        }

        try
        {
            await next(context);
        }
        finally
        {
            counter.Close(client);
        }
    }
}
