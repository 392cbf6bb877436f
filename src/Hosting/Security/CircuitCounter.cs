using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting.Security;

/// <summary>Open circuit connections per client key, up to <c>Security:MaxCircuitsPerClient</c> each.</summary>
public sealed class CircuitCounter(IOptions<SecurityOptions> options)
{
    private readonly int _limit = options.Value.MaxCircuitsPerClient;

    // Only clients with an open connection have an entry, so the table is bounded by the open connections.
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>Counts one more connection of <paramref name="client"/>, or returns false when it has the most it may.</summary>
    public bool TryOpen(string client)
    {
        lock (_open)
        {
            var open = _open.GetValueOrDefault(client);
            if (open >= _limit)
            {
                return false;
            }

            _open[client] = open + 1;
            return true;
        }
    }

    /// <summary>Counts a connection of <paramref name="client"/> closed.</summary>
    public void Close(string client)
    {
        lock (_open)
        {
            if (_open.TryGetValue(client, out var open) && open > 1)
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
                return _open.Values.Sum();
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
