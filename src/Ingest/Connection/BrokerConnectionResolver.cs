namespace ChoriaDashboard.Ingest.Connection;

/// <summary>
/// Turns <see cref="NatsOptions"/> (and the Choria client configuration it may name) into
/// <see cref="BrokerConnectionSettings"/>, checking every file. Explicit <c>Nats:*</c> settings win over the file.
/// </summary>
public static class BrokerConnectionResolver
{
    /// <summary>The settings, or the problems found, each naming its setting and file.</summary>
    public static BrokerConnectionSettings Resolve(NatsOptions options, out IReadOnlyList<string> errors) =>
        Resolve(options, Environment.UserName == "root", Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), Environment.GetEnvironmentVariable, out errors);

    /// <summary>As <see cref="Resolve(NatsOptions, out IReadOnlyList{string})"/> for a user and an empty environment.</summary>
    public static BrokerConnectionSettings Resolve(NatsOptions options, bool isRoot, string home, out IReadOnlyList<string> errors) =>
        Resolve(options, isRoot, home, _ => null, out errors);

    /// <summary>The settings for a given user: root or not, their home, and their environment (<c>USER</c>, <c>MCOLLECTIVE_CERTNAME</c>).</summary>
    public static BrokerConnectionSettings Resolve(NatsOptions options, bool isRoot, string home, Func<string, string?> environment, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        var tls = options.Tls ?? new NatsTlsOptions();
        var url = options.Url;
        var source = "Nats:*";
        TlsFiles? fromFile = null;
        ChoriaJwtCredentials? choria = null;
        (string Ca, string Cert, string Key) names = ("", "", "");
        if (Blank(options.ChoriaConfigFile) is { } path && TlsMaterial.CheckReadable("Nats:ChoriaConfigFile", path, problems))
        {
            var config = ChoriaClientConfig.Parse(File.ReadAllText(path), path);
            source = path;
            var hosts = config.BrokerUrls();
            if (url == NatsOptions.DefaultUrl)
            {
                if (hosts.Count == 0)
                {
                    problems.Add($"{ChoriaClientConfig.MiddlewareHosts} is not set in {path} (SRV lookup is not supported): set it, or Nats:Url.");
                }
                else
                {
                    url = string.Join(',', hosts);
                }
            }

            fromFile = ChoriaSecurity.Files(config, isRoot, home, environment, problems, out names);
            if (config[ChoriaClientConfig.Provider] == "choria")
            {
                choria = ChoriaJwt.Load(config, problems);
            }
        }

        // Each file: Nats:Tls:* if set, else the Choria configuration's; messages name whichever was used.
        var (caSetting, ca) = Pick("Nats:Tls:CaFile", tls.CaFile, fromFile?.CaFile, names.Ca);
        var (certSetting, cert) = Pick("Nats:Tls:CertFile", tls.CertFile, fromFile?.CertFile, names.Cert);
        var (keySetting, key) = Pick("Nats:Tls:KeyFile", tls.KeyFile, fromFile?.KeyFile, names.Key);
        TlsFiles? files = null;
        DateTimeOffset? notAfter = null;
        if (ca is not null || cert is not null || key is not null)
        {
            files = new TlsFiles(ca, cert, key);
            if (ca is not null)
            {
                TlsMaterial.CheckCa(caSetting, ca, problems);
            }

            if (cert is null != key is null)
            {
                problems.Add("Nats:Tls:CertFile and Nats:Tls:KeyFile go together: set both for mutual TLS, or neither.");
            }
            else if (cert is not null && key is not null)
            {
                notAfter = TlsMaterial.CheckClientCertificate(certSetting, cert, keySetting, key, problems);
            }
        }

        var nkeyFile = Blank(options.NKeySeedFile);
        var nkey = nkeyFile is null ? null : TlsMaterial.LoadNKeySeed("Nats:NKeySeedFile", nkeyFile, problems);
        var credsFile = Blank(options.CredsFile);
        if (credsFile is not null)
        {
            TlsMaterial.CheckCredsFile("Nats:CredsFile", credsFile, problems);
            if (nkeyFile is not null || choria is not null)
            {
                problems.Add($"Nats:CredsFile '{credsFile}' cannot be combined with {(nkeyFile is not null ? "Nats:NKeySeedFile" : "the choria security provider of " + source)}: the broker takes one user identity; keep one.");
            }
        }

        // As go-choria: the choria provider always uses TLS, and verifies the broker only against its CA.
        var choriaWithoutCa = choria is not null && ca is null;
        CheckNotWebSocket(url, [(caSetting, ca), (certSetting, cert), (keySetting, key), ("Nats:Tls:Insecure", tls.Insecure ? "true" : null), ("the choria security provider of " + source, choria is not null ? source : null)], problems);

        errors = problems;
        return new BrokerConnectionSettings
        {
            Url = url,
            Tls = files,
            InsecureSkipVerify = tls.Insecure || choriaWithoutCa,
            User = Blank(options.User),
            Password = Blank(options.Password),
            Token = Blank(options.Token) ?? choria?.Token,
            Jwt = choria?.Token,
            InboxPrefix = choria?.InboxPrefix,
            ClientCertificateNotAfter = notAfter,
            TokenNotAfter = choria?.ExpiresAt,
            Choria = choria,
            NKeySeedFile = nkeyFile,
            NKeySeed = nkey?.Seed ?? choria?.NKeySeed,
            NKeyPublicKey = nkey?.PublicKey,
            CredsFile = credsFile,
            Source = source,
        };
    }

    /// <summary>
    /// TLS settings with a WebSocket URL are refused: the NATS client does not enforce them on a WebSocket, so a ws://
    /// broker would be reached in plain text while the settings say TLS, and the broker certificate checks and the
    /// client certificate reload of <see cref="NatsConnectionFactory"/> are built for nats:// and tls:// connections.
    /// </summary>
    private static void CheckNotWebSocket(string urls, (string Setting, string? Value)[] tlsSettings, List<string> problems)
    {
        var webSocket = urls.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(u => u.StartsWith("ws://", StringComparison.OrdinalIgnoreCase) || u.StartsWith("wss://", StringComparison.OrdinalIgnoreCase));
        var set = tlsSettings.Where(s => s.Value is not null).Select(s => s.Setting).ToArray();
        if (webSocket is null || set.Length == 0)
        {
            return;
        }

        var plain = webSocket.StartsWith("ws://", StringComparison.OrdinalIgnoreCase);
        problems.Add(
            $"Nats:Url '{NatsOptions.Redact(webSocket)}' is a WebSocket URL, but TLS is configured ({string.Join(", ", set)}): " +
            (plain ? "a ws:// connection is never encrypted, so the TLS settings would be silently ignored. " : "TLS settings over wss:// are not supported. ") +
            "Nats:Tls and the Choria security files apply to nats:// and tls:// URLs only: use tls://host:port, or remove the TLS settings.");
    }

    private static (string Setting, string? Path) Pick(string setting, string? explicitValue, string? fromFile, string fromFileName) =>
        Blank(explicitValue) is { } value ? (setting, value)
        : fromFile is not null ? (fromFileName, fromFile)
        : (setting, null);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
