namespace ChoriaDashboard.Ingest.Connection;

/// <summary>
/// A Choria client configuration (<c>/etc/choria/client.conf</c>, <c>~/.choriarc</c>): <c>key = value</c> lines,
/// <c>#</c> comments. Only the keys that say how to reach the broker are read; the rest are ignored.
/// </summary>
public sealed class ChoriaClientConfig
{
    public const string MiddlewareHosts = "plugin.choria.middleware_hosts";
    public const string Provider = "plugin.security.provider";
    public const string FileCertificate = "plugin.security.file.certificate";
    public const string FileKey = "plugin.security.file.key";
    public const string FileCa = "plugin.security.file.ca";
    public const string SslDir = "plugin.choria.ssldir";
    public const string CertName = "plugin.security.certname";
    public const string Identity = "identity";
    public const string ChoriaTokenFile = "plugin.security.choria.token_file";
    public const string ChoriaSeedFile = "plugin.security.choria.seed_file";
    public const string ChoriaCertificate = "plugin.security.choria.certificate";
    public const string ChoriaKey = "plugin.security.choria.key";
    public const string ChoriaCa = "plugin.security.choria.ca";
    public const string MainCollective = "main_collective";
    public const string Collectives = "collectives";

    private readonly Dictionary<string, string> _values;

    private ChoriaClientConfig(string path, Dictionary<string, string> values)
    {
        Path = path;
        _values = values;
    }

    /// <summary>The file it was read from, for messages.</summary>
    public string Path { get; }

    public static ChoriaClientConfig Parse(string text, string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith(';'))
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            // As Choria does: the last occurrence of a key wins.
            values[line[..equals].Trim()] = line[(equals + 1)..].Trim();
        }

        return new ChoriaClientConfig(path, values);
    }

    /// <summary>The value, or null when the key is missing or empty.</summary>
    public string? this[string key] => _values.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    /// <summary><c>plugin.choria.middleware_hosts</c> as NATS URLs: <c>host:port</c> becomes <c>nats://host:port</c>, a scheme is kept, port 4222 by default.</summary>
    public IReadOnlyList<string> BrokerUrls() =>
        [.. (this[MiddlewareHosts] ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(ToUrl)];

    private static string ToUrl(string host)
    {
        var url = host.Contains("://", StringComparison.Ordinal) ? host : "nats://" + host;
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsDefaultPort && !url.EndsWith(":" + uri.Port, StringComparison.Ordinal)
            ? $"{uri.Scheme}://{uri.Host}:4222"
            : url;
    }
}
