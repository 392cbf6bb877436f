using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Api.Hub;

/// <summary>Registers and maps the hub; <c>Hosting</c> calls these, with the <c>Hub</c> options already validated.</summary>
public static class FleetHubRegistration
{
    /// <summary>SignalR with the JSON of <c>/api</c> and the hub's limits from <see cref="FleetHubOptions"/>.</summary>
    public static IServiceCollection AddFleetHub(this IServiceCollection services)
    {
        services.AddSingleton<FleetHubFeeds>();
        services.AddSingleton(sp => new FleetHubClients(sp.GetRequiredService<FleetHubFeeds>()));
        services.AddSignalR().AddJsonProtocol(o => FleetApi.ConfigureJson(o.PayloadSerializerOptions));
        services.AddOptions<HubOptions<FleetHub>>().Configure<IOptions<FleetHubOptions>>((hub, fleetHub) =>
        {
            var options = fleetHub.Value;
            hub.MaximumReceiveMessageSize = options.MaxReceiveMessageBytes;
            hub.KeepAliveInterval = options.KeepAliveInterval;
            hub.ClientTimeoutInterval = options.ClientTimeout;
            // One call at a time per connection, and no client-to-server streams: a client only asks for its one stream.
            hub.MaximumParallelInvocationsPerClient = 1;
            hub.StreamBufferCapacity = 1;
            hub.EnableDetailedErrors = false;
        });
        return services;
    }

    /// <summary>Maps <c>fleet</c> on <paramref name="hubs"/>, the <c>/hubs</c> group.</summary>
    public static IEndpointRouteBuilder MapFleetHub(this IEndpointRouteBuilder hubs)
    {
        var options = hubs.ServiceProvider.GetRequiredService<IOptions<FleetHubOptions>>().Value;
        hubs.MapHub<FleetHub>("/fleet", o =>
        {
            // What a connection may hold unsent (a stalled client stops its stream here) and unread (more than the largest
            // message a client may send, or that message could never be read whole).
            o.TransportMaxBufferSize = 64 * 1024;
            o.ApplicationMaxBufferSize = Math.Max(64 * 1024, 2 * options.MaxReceiveMessageBytes);
        });
        return hubs;
    }
}
