namespace ChoriaDashboard.Hosting.Security;

/// <summary>
/// Bounds the long-lived connections per client: open circuits (<c>Security:MaxCircuitsPerClient</c>, 429 beyond) and
/// live hub connections (<c>Security:MaxHubConnectionsPerClient</c>, 429 beyond; <c>Hub:MaxConnections</c> from every
/// client together, 503 beyond). Each costs the server a subscription and its buffer for as long as it stays open.
/// </summary>
/// <remarks>
/// What is counted is the connection request, <c>GET /_blazor?id=…</c> or <c>GET /hubs/fleet?id=…</c> (also without
/// an id, for a client that skips negotiation): over WebSockets or server-sent events it lasts as long as the
/// connection, and over long polling each connection has one poll waiting at a time. Negotiate and the other short
/// requests are not counted. A hub's negotiate is refused too while the client (or the server) is at its limit, so a
/// client learns it once, from the status of its first request, instead of once per transport it tries.
/// </remarks>
public sealed class ConnectionLimitMiddleware(RequestDelegate next, CircuitCounter circuits, HubConnectionCounter hubs, SecurityRefusals refusals)
{
    private static readonly PathString CircuitPath = "/_blazor";
    private static readonly PathString HubPath = "/hubs/fleet";
    private static readonly PathString HubNegotiatePath = "/hubs/fleet/negotiate";

    public async Task InvokeAsync(HttpContext context)
    {
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path == HubNegotiatePath)
        {
            var full = hubs.Check(ClientKey.Of(context));
            if (full != ConnectionLimit.None)
            {
                Refuse(context, full, hub: true);
                return;
            }

            await next(context);
            return;
        }

        ConnectionCounter? counter = !HttpMethods.IsGet(context.Request.Method) ? null
            : context.Request.Path == CircuitPath ? circuits
            : context.Request.Path == HubPath ? hubs
            : null;
        if (counter is null)
        {
            await next(context);
            return;
        }

        var client = ClientKey.Of(context);
        var refused = counter.TryOpen(client);
        if (refused != ConnectionLimit.None)
        {
            Refuse(context, refused, hub: counter == hubs);
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

    private void Refuse(HttpContext context, ConnectionLimit limit, bool hub)
    {
        var (status, reason) = (hub, limit) switch
        {
            (false, _) => (StatusCodes.Status429TooManyRequests, RefusalReason.TooManyCircuits),
            (true, ConnectionLimit.PerClient) => (StatusCodes.Status429TooManyRequests, RefusalReason.TooManyHubConnections),
            _ => (StatusCodes.Status503ServiceUnavailable, RefusalReason.HubFull),
        };
        context.Response.StatusCode = status;
        refusals.Refused(reason, context);
    }
}
