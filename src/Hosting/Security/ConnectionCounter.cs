using ChoriaDashboard.Api.Hub;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting.Security;

/// <summary>Why <see cref="ConnectionCounter.TryOpen"/> refused a connection.</summary>
public enum ConnectionLimit
{
    /// <summary>Not refused.</summary>
    None,

    /// <summary>The client has the most connections it may (per client key).</summary>
    PerClient,

    /// <summary>The server has the most connections of this kind it may, from every client together.</summary>
    Total,
}

/// <summary>
/// Long-lived connections of one kind open now, per client key (its signed-in name, else its address), bounded per
/// client and in all. Only clients with an open connection have an entry, so the table is bounded by the open
/// connections.
/// </summary>
public class ConnectionCounter(int perClient, int total)
{
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);
    private int _total;

    /// <summary>Counts one more connection of <paramref name="client"/>, or says which limit refuses it.</summary>
    public ConnectionLimit TryOpen(string client)
    {
        lock (_open)
        {
            var open = _open.GetValueOrDefault(client);
            if (open >= perClient)
            {
                return ConnectionLimit.PerClient;
            }

            if (_total >= total)
            {
                return ConnectionLimit.Total;
            }

            _open[client] = open + 1;
            _total++;
            return ConnectionLimit.None;
        }
    }

    /// <summary>Which limit would refuse one more connection of <paramref name="client"/> now, counting nothing.</summary>
    public ConnectionLimit Check(string client)
    {
        lock (_open)
        {
            return _open.GetValueOrDefault(client) >= perClient ? ConnectionLimit.PerClient
                : _total >= total ? ConnectionLimit.Total
                : ConnectionLimit.None;
        }
    }

    /// <summary>Counts a connection of <paramref name="client"/> closed.</summary>
    public void Close(string client)
    {
        lock (_open)
        {
            if (!_open.TryGetValue(client, out var open))
            {
                return;
            }

            _total--;
            if (open > 1)
            {
                _open[client] = open - 1;
            }
            else
            {
                _open.Remove(client);
            }
        }
    }

    /// <summary>Open connections of every client now.</summary>
    public int Open
    {
        get
        {
            lock (_open)
            {
                return _total;
            }
        }
    }

    /// <summary>Open connections of <paramref name="client"/> now.</summary>
    public int OpenBy(string client)
    {
        lock (_open)
        {
            return _open.GetValueOrDefault(client);
        }
    }
}

/// <summary>Open circuit connections per client key, up to <c>Security:MaxCircuitsPerClient</c> each.</summary>
public sealed class CircuitCounter(IOptions<SecurityOptions> options)
    : ConnectionCounter(options.Value.MaxCircuitsPerClient, int.MaxValue);

/// <summary>
/// Open connections of the live hub (<c>/hubs/fleet</c>), up to <c>Security:MaxHubConnectionsPerClient</c> per client
/// key and <c>Hub:MaxConnections</c> in all.
/// </summary>
public sealed class HubConnectionCounter(IOptions<SecurityOptions> security, IOptions<FleetHubOptions> hub)
    : ConnectionCounter(security.Value.MaxHubConnectionsPerClient, hub.Value.MaxConnections);
