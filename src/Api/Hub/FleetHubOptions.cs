using System.ComponentModel.DataAnnotations;

namespace ChoriaDashboard.Api.Hub;

/// <summary>How the live hub for other clients (<c>/hubs/fleet</c>) behaves and what it costs at most (section <c>Hub</c>).</summary>
public sealed class FleetHubOptions
{
    public const string Section = "Hub";

    /// <summary>
    /// A client is sent at most one round of changes per interval, whatever the event rate: the changes in between are
    /// merged (a node changed twice goes once, as it is now).
    /// </summary>
    public TimeSpan UpdateInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Nodes (changed or removed) per message at most; a snapshot or a round of changes with more goes in parts. With
    /// <c>Ingest:MaxFieldLength</c> this bounds a message: about 300 bytes per node, a few KB at worst.
    /// </summary>
    [Range(1, 100_000)]
    public int NodesPerMessage { get; set; } = 500;

    /// <summary>
    /// Rounds of changes that may wait for one client (each shared with every client of its filter, never copied);
    /// a client further behind gets a fresh snapshot in their place when it reads again.
    /// </summary>
    [Range(1, 10_000)]
    public int ClientBacklog { get; set; } = 16;

    /// <summary>
    /// Hub connections open at once, from every client together; beyond, 503 (each holds a stream, a backlog and a
    /// snapshot while it is made). Per client, <c>Security:MaxHubConnectionsPerClient</c>.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxConnections { get; set; } = 1_000;

    /// <summary>Largest message a client may send (its filter), in bytes; larger closes the connection.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxReceiveMessageBytes { get; set; } = 32 * 1024;

    /// <summary>Components a client may name in its filter at most.</summary>
    [Range(1, 10_000)]
    public int MaxFilterComponents { get; set; } = 64;

    /// <summary>How often the server pings an idle connection, so proxies keep it open.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A client silent for longer (no message, no ping) is disconnected; at least twice <see cref="KeepAliveInterval"/>.</summary>
    public TimeSpan ClientTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
