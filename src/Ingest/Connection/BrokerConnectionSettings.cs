namespace ChoriaDashboard.Ingest.Connection;

/// <summary>How the dashboard authenticates to the broker, as shown on the status bar and in <c>/api/fleet</c>.</summary>
public enum BrokerSecurity
{
    Plain,
    Tls,
    MutualTls,
    Jwt,
}

/// <summary>
/// The connection settings after the configuration is resolved: from <c>Nats:*</c> and, when set, the Choria client
/// configuration. Holds secrets, so <see cref="ToString"/> names only what is public.
/// </summary>
public sealed class BrokerConnectionSettings
{
    private CredentialExpiry? _expiry;

    /// <summary>One URL or a comma-separated list.</summary>
    public required string Url { get; init; }

    public TlsFiles? Tls { get; init; }

    /// <summary>Accept any broker certificate (Nats:Tls:Insecure, or the choria provider without a CA).</summary>
    public bool InsecureSkipVerify { get; init; }

    public string? User { get; init; }

    public string? Password { get; init; }

    public string? Token { get; init; }

    /// <summary>A user JWT sent in CONNECT, with the nonce signed by <see cref="NKeySeed"/>.</summary>
    public string? Jwt { get; init; }

    /// <summary>An NKey seed (<c>SU...</c>); secret.</summary>
    public string? NKeySeed { get; init; }

    /// <summary>The public key of <see cref="NKeySeed"/>, sent in CONNECT for NKey authentication.</summary>
    public string? NKeyPublicKey { get; init; }

    /// <summary>A file with an NKey user seed; the client signs the broker's nonce with it.</summary>
    public string? NKeySeedFile { get; init; }

    /// <summary>A NATS credentials file (user JWT and seed).</summary>
    public string? CredsFile { get; init; }

    /// <summary>Where replies go, when the broker only lets this identity receive on its own inbox prefix.</summary>
    public string? InboxPrefix { get; init; }

    /// <summary>When the client certificate expires, to say "certificate expired" when the broker refuses it.</summary>
    public DateTimeOffset? ClientCertificateNotAfter { get; init; }

    /// <summary>When the Choria token expires (its <c>exp</c> claim), to say "token expired" when the broker refuses it.</summary>
    public DateTimeOffset? TokenNotAfter { get; init; }

    /// <summary>The <c>choria</c> security provider's token and seed, with their files, read again at every connection attempt.</summary>
    public ChoriaJwtCredentials? Choria { get; init; }

    /// <summary>When the credentials in use expire: starts as the two values above, follows the files as they are read again.</summary>
    public CredentialExpiry Expiry => LazyInitializer.EnsureInitialized(ref _expiry, () => new CredentialExpiry { Token = TokenNotAfter, ClientCertificate = ClientCertificateNotAfter });

    /// <summary>Where these settings came from: <c>Nats:*</c> or the Choria configuration file.</summary>
    public string Source { get; init; } = "Nats:*";

    public BrokerSecurity Security =>
        Jwt is not null || CredsFile is not null ? BrokerSecurity.Jwt
        : Tls?.CertFile is not null ? BrokerSecurity.MutualTls
        : Tls is not null || InsecureSkipVerify || Url.Contains("tls://", StringComparison.OrdinalIgnoreCase) ? BrokerSecurity.Tls
        : BrokerSecurity.Plain;

    /// <summary>The security in words, with the NKey noted: "mutual TLS", "TLS + NKey", "JWT over TLS".</summary>
    public string Description
    {
        get
        {
            var words = Security switch
            {
                BrokerSecurity.MutualTls => "mutual TLS",
                BrokerSecurity.Tls => "TLS",
                BrokerSecurity.Jwt => Tls is not null || InsecureSkipVerify ? "JWT over TLS" : "JWT",
                _ => "plain",
            };
            return (NKeySeed is not null || NKeySeedFile is not null) && Jwt is null ? $"{words} + NKey" : words;
        }
    }

    /// <summary>Shown when the broker's certificate is not verified.</summary>
    public string? Warning => InsecureSkipVerify
        ? $"the broker's TLS certificate is not verified ({(Source == "Nats:*" ? "Nats:Tls:Insecure" : "no plugin.security.choria.ca in " + Source)})"
        : null;

    public override string ToString() => $"{NatsOptions.Redact(Url)} ({Description}, from {Source})";
}

/// <summary>PEM files for TLS; each path is checked readable and loadable before the app starts.</summary>
public sealed record TlsFiles(string? CaFile, string? CertFile, string? KeyFile);

/// <summary>When the token and the client certificate in use expire; updated whenever a connection attempt reads their files again.</summary>
public sealed class CredentialExpiry
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _token;
    private DateTimeOffset? _clientCertificate;

    public DateTimeOffset? Token
    {
        get { lock (_gate) { return _token; } }
        set { lock (_gate) { _token = value; } }
    }

    public DateTimeOffset? ClientCertificate
    {
        get { lock (_gate) { return _clientCertificate; } }
        set { lock (_gate) { _clientCertificate = value; } }
    }
}
