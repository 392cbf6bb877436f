namespace ChoriaDashboard.Ingest.Connection;

/// <summary>Turns <see cref="NatsOptions"/> into <see cref="BrokerConnectionSettings"/>, checking every file it names.</summary>
public static class BrokerConnectionResolver
{
    /// <summary>The settings, or the problems found, each naming its setting and file.</summary>
    public static BrokerConnectionSettings Resolve(NatsOptions options, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        var tls = options.Tls ?? new NatsTlsOptions();
        TlsFiles? files = null;
        DateTimeOffset? notAfter = null;
        if (Set(tls.CaFile) || Set(tls.CertFile) || Set(tls.KeyFile))
        {
            files = new TlsFiles(Blank(tls.CaFile), Blank(tls.CertFile), Blank(tls.KeyFile));
            if (files.CaFile is { } ca)
            {
                TlsMaterial.CheckCa("Nats:Tls:CaFile", ca, problems);
            }

            if (files.CertFile is null != files.KeyFile is null)
            {
                problems.Add("Nats:Tls:CertFile and Nats:Tls:KeyFile go together: set both for mutual TLS, or neither.");
            }
            else if (files.CertFile is { } cert && files.KeyFile is { } key)
            {
                notAfter = TlsMaterial.CheckClientCertificate("Nats:Tls:CertFile", cert, "Nats:Tls:KeyFile", key, problems);
            }
        }

        errors = problems;
        return new BrokerConnectionSettings
        {
            Url = options.Url,
            Tls = files,
            InsecureSkipVerify = tls.Insecure,
            User = Blank(options.User),
            Password = Blank(options.Password),
            Token = Blank(options.Token),
            ClientCertificateNotAfter = notAfter,
        };
    }

    private static bool Set(string? value) => !string.IsNullOrWhiteSpace(value);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
