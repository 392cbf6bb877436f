namespace ChoriaDashboard.Ingest.Connection;

/// <summary>
/// Puts a failed connection or subscription into words a broker admin acts on. The client's messages carry the TLS
/// alert or the broker's <c>-ERR</c> text; this only recognises them.
/// </summary>
public static class BrokerFailureReason
{
    public const string Unreachable = "broker not reachable";
    public const string AuthorizationViolation = "authorization violation: the broker refused the credentials";
    public const string ClientCertificateNotTrusted = "certificate not trusted: the broker refused the client certificate (is it signed by the broker's CA?)";
    public const string CertificateExpired = "certificate expired";
    public const string TokenExpired = "token expired";
    public const string BrokerCertificateNotTrusted = "certificate not trusted: the broker's certificate does not chain to the configured CA";
    public const string BrokerNameMismatch = "certificate not trusted: the broker's certificate is not for this host name";
    public const string SubscriptionRefused = "subscription refused by permissions";
    public const string TlsFailed = "TLS handshake failed";

    /// <summary>The reason in words, or null when the message is not one we recognise.</summary>
    /// <param name="tokenNotAfter">When the Choria token in use expires; a refusal after it is put down to the expiry.</param>
    public static string? Describe(string? message, DateTimeOffset? clientCertificateNotAfter, DateTimeOffset now, DateTimeOffset? tokenNotAfter = null)
    {
        if (string.IsNullOrEmpty(message))
        {
            return null;
        }

        if (Has(message, "Permissions Violation for Subscription"))
        {
            return SubscriptionRefused;
        }

        if (Has(message, "Authorization Violation") || Has(message, "authentication expired") || Has(message, "User Authentication Revoked"))
        {
            return tokenNotAfter < now
                ? $"{TokenExpired}: the broker refused the Choria token, which expired on {tokenNotAfter:u} (plugin.security.choria.token_file)"
                : AuthorizationViolation;
        }

        if (Has(message, "certificate expired") || Has(message, "certificate_expired") || Has(message, "NotTimeValid"))
        {
            return clientCertificateNotAfter < now ? $"{CertificateExpired}: the client certificate expired on {clientCertificateNotAfter:u}" : CertificateExpired;
        }

        var tlsProblem = Has(message, "SSL") || Has(message, "TLS") || Has(message, "certificate") || Has(message, "Authentication failed");
        if ((tlsProblem || IsClosedByPeer(message)) && clientCertificateNotAfter < now)
        {
            return $"{CertificateExpired}: the client certificate expired on {clientCertificateNotAfter:u}";
        }

        if (Has(message, "RemoteCertificateNameMismatch"))
        {
            return BrokerNameMismatch;
        }

        if (Has(message, "RemoteCertificateChainErrors") || Has(message, "UntrustedRoot") || Has(message, "PartialChain") || Has(message, "remote certificate is invalid"))
        {
            return BrokerCertificateNotTrusted;
        }

        if (Has(message, "unknown ca") || Has(message, "unknown certificate authority") || Has(message, "bad certificate") || Has(message, "certificate required") || Has(message, "certificate unknown"))
        {
            return ClientCertificateNotTrusted;
        }

        if (tlsProblem)
        {
            return TlsFailed;
        }

        if (Has(message, "Connection refused") || Has(message, "No route to host") || Has(message, "timed out") || Has(message, "Name or service not known"))
        {
            return Unreachable;
        }

        return null;
    }

    /// <summary>The subject in the broker's <c>Permissions Violation for Subscription to "subject"</c>.</summary>
    public static string? RefusedSubject(string message)
    {
        const string marker = "Permissions Violation for Subscription to ";
        var at = message.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return null;
        }

        var rest = message[(at + marker.Length)..].TrimStart('"', '\'');
        var end = rest.IndexOfAny(['"', '\'', ' ']);
        return end > 0 ? rest[..end] : rest.Length > 0 ? rest : null;
    }

    /// <summary>The broker closed the connection without a word (reset, end of stream).</summary>
    public static bool IsClosedByPeer(string message) =>
        Has(message, "reset by peer") || Has(message, "Broken pipe") || Has(message, "unexpected EOF") || Has(message, "0 bytes from the transport stream");

    private static bool Has(string message, string part) => message.Contains(part, StringComparison.OrdinalIgnoreCase);
}
