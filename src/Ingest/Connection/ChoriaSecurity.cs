namespace ChoriaDashboard.Ingest.Connection;

/// <summary>
/// Finds the TLS files a Choria client configuration points to: the <c>file</c> provider names them, the
/// <c>puppet</c> provider (Choria's default) derives them from the Puppet SSL directory and the certificate name,
/// the <c>choria</c> provider names them when it wants them (its JWT and seed are read by <see cref="ChoriaJwt"/>).
/// </summary>
public static class ChoriaSecurity
{
    /// <summary>Puppet's SSL directory for root.</summary>
    public const string RootSslDir = "/etc/puppetlabs/puppet/ssl";

    /// <summary>The environment variable that overrides the certificate name, as in go-choria.</summary>
    public const string CertNameVariable = "MCOLLECTIVE_CERTNAME";

    /// <summary>The TLS files, or null with the problems added to <paramref name="errors"/>, each naming key and file.</summary>
    /// <param name="environment">Reads an environment variable (<c>USER</c>, <see cref="CertNameVariable"/>); null when unset.</param>
    /// <param name="names">What to call each file in messages: the key that named it, or the SSL directory it is in.</param>
    public static TlsFiles? Files(ChoriaClientConfig config, bool isRoot, string home, Func<string, string?> environment, List<string> errors, out (string Ca, string Cert, string Key) names)
    {
        var provider = config[ChoriaClientConfig.Provider] ?? "puppet";
        names = ($"{ChoriaClientConfig.FileCa} in {config.Path}", $"{ChoriaClientConfig.FileCertificate} in {config.Path}", $"{ChoriaClientConfig.FileKey} in {config.Path}");
        switch (provider)
        {
            case "file":
                var cert = Required(config, ChoriaClientConfig.FileCertificate, errors);
                var key = Required(config, ChoriaClientConfig.FileKey, errors);
                var ca = Required(config, ChoriaClientConfig.FileCa, errors);
                return cert is null || key is null || ca is null ? null : new TlsFiles(ca, cert, key);
            case "puppet":
                var sslDir = config[ChoriaClientConfig.SslDir] ?? (isRoot ? RootSslDir : System.IO.Path.Combine(home, ".puppetlabs", "etc", "puppet", "ssl"));
                var name = CertName(config, isRoot, environment);
                if (name is null)
                {
                    errors.Add($"{ChoriaClientConfig.CertName} (or {ChoriaClientConfig.Identity}, or {CertNameVariable}) is not set in {config.Path}: the puppet security provider needs the certificate name.");
                    return null;
                }

                var where = $"the Puppet SSL directory {sslDir} (puppet provider in {config.Path})";
                names = ($"the CA of {where}", $"the certificate of {name} in {where}", $"the private key of {name} in {where}");
                return new TlsFiles(
                    System.IO.Path.Combine(sslDir, "certs", "ca.pem"),
                    System.IO.Path.Combine(sslDir, "certs", name + ".pem"),
                    System.IO.Path.Combine(sslDir, "private_keys", name + ".pem"));
            case "choria":
                names = ($"{ChoriaClientConfig.ChoriaCa} in {config.Path}", $"{ChoriaClientConfig.ChoriaCertificate} in {config.Path}", $"{ChoriaClientConfig.ChoriaKey} in {config.Path}");
                return new TlsFiles(config[ChoriaClientConfig.ChoriaCa], config[ChoriaClientConfig.ChoriaCertificate], config[ChoriaClientConfig.ChoriaKey]);
            default:
                errors.Add($"{ChoriaClientConfig.Provider} = {provider} in {config.Path} is not supported: use file, puppet or choria.");
                return null;
        }
    }

    /// <summary>
    /// The certificate name as go-choria's puppet provider finds it: <c>plugin.security.certname</c>, else
    /// <c>MCOLLECTIVE_CERTNAME</c>, else <c>&lt;USER&gt;.mcollective</c> for a user other than root, else <c>identity</c>.
    /// </summary>
    public static string? CertName(ChoriaClientConfig config, bool isRoot, Func<string, string?> environment) =>
        config[ChoriaClientConfig.CertName]
        ?? NonEmpty(environment(CertNameVariable))
        ?? (!isRoot && NonEmpty(environment("USER")) is { } user ? $"{user}.mcollective" : null)
        ?? config[ChoriaClientConfig.Identity];

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? Required(ChoriaClientConfig config, string key, List<string> errors)
    {
        var value = config[key];
        if (value is null)
        {
            errors.Add($"{key} is not set in {config.Path}: the file security provider needs it.");
        }

        return value;
    }
}
