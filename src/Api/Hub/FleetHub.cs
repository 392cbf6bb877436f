using ChoriaDashboard.Fleet;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Api.Hub;

/// <summary>
/// What the hub calls on its clients: nothing. Everything a client learns comes through the <see cref="FleetHub.Fleet"/>
/// stream it asked for; the interface makes the hub strongly typed, so no method name is ever sent by string.
/// </summary>
public interface IFleetHubClient;

/// <summary>
/// <c>/hubs/fleet</c>: the fleet live for clients other than the dashboard's pages (custom wallboards, scripts), with
/// the API's authorization. One method, the stream <see cref="Fleet"/>.
/// </summary>
public sealed partial class FleetHub(
    IFleetView fleet,
    FleetHubFeeds feeds,
    FleetHubClients clients,
    IOptions<FleetHubOptions> options,
    ILogger<FleetHub> logger)
    : Hub<IFleetHubClient>
{
    private static readonly object StreamKey = new();

    /// <summary>
    /// The fleet as a stream of <see cref="FleetHubMessage"/> (sent as <see cref="FleetHubFrame"/>s, serialized once
    /// per filter): a <c>snapshot</c> (in parts) first, then <c>changes</c> at most once per <c>Hub:UpdateInterval</c>,
    /// and a fresh <c>snapshot</c> (<c>resynchronised</c>) whenever the client fell behind. Ends when the client cancels
    /// it or goes, or with an error if the server's feed fails (the client reconnects).
    /// </summary>
    /// <param name="components">
    /// Only these components (their summaries, nodes and removals); null or empty for all. At most
    /// <c>Hub:MaxFilterComponents</c> names, none blank.
    /// </param>
    /// <exception cref="HubException">A bad filter, or a second stream on one connection (counted, the connection stays).</exception>
    public IAsyncEnumerable<FleetHubFrame> Fleet(string[]? components, CancellationToken cancellationToken)
    {
        var filter = Filter(components);
        var slot = (StreamSlot)Context.Items[StreamKey]!;
        if (!slot.TryTake())
        {
            Refuse("one Fleet stream per connection: cancel the open one first, or open another connection");
        }

        LogStreamOpened(logger, Context.ConnectionId, Context.UserIdentifier ?? Context.User?.Identity?.Name, filter is null ? "all" : string.Join(",", filter));
        return Release(FleetHubStream.ReadAsync(fleet, feeds, filter, options.Value, clients, cancellationToken), slot);
    }

    public override Task OnConnectedAsync()
    {
        Context.Items[StreamKey] = new StreamSlot();
        clients.Connect();
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        clients.Disconnect();
        return Task.CompletedTask;
    }

    private HashSet<string>? Filter(string[]? components)
    {
        if (components is null || components.Length == 0)
        {
            return null;
        }

        var max = options.Value.MaxFilterComponents;
        if (components.Length > max)
        {
            Refuse($"components: at most {max} names (Hub:MaxFilterComponents), not {components.Length}");
        }

        if (components.Any(string.IsNullOrWhiteSpace))
        {
            Refuse("components: a name may not be blank; send null or [] for every component");
        }

        return new HashSet<string>(components, StringComparer.Ordinal);
    }

    private void Refuse(string message)
    {
        clients.Refuse();
        LogRefused(logger, Context.ConnectionId, message);
        throw new HubException(message);
    }

    private static async IAsyncEnumerable<FleetHubFrame> Release(IAsyncEnumerable<FleetHubFrame> stream, StreamSlot slot)
    {
        try
        {
            await foreach (var message in stream)
            {
                yield return message;
            }
        }
        finally
        {
            slot.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Hub connection {ConnectionId} ({User}) opened a Fleet stream for {Components}")]
    private static partial void LogStreamOpened(ILogger logger, string connectionId, string? user, string components);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Hub connection {ConnectionId}: Fleet refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string connectionId, string reason);

    /// <summary>Whether a connection's one stream is open.</summary>
    private sealed class StreamSlot
    {
        private int _taken;

        public bool TryTake() => Interlocked.Exchange(ref _taken, 1) == 0;

        public void Release() => Volatile.Write(ref _taken, 0);
    }
}
