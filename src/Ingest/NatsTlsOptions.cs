namespace ChoriaDashboard.Ingest;

/// <summary>TLS towards the broker (section <c>Nats:Tls</c>): the CA that signed the broker, and our own certificate for mutual TLS.</summary>
public sealed class NatsTlsOptions
{
    /// <summary>PEM file of the CA (or CAs) the broker's certificate must chain to.</summary>
    public string? CaFile { get; set; }

    /// <summary>PEM file of the client certificate presented to the broker (mutual TLS); needs <see cref="KeyFile"/>.</summary>
    public string? CertFile { get; set; }

    /// <summary>PEM file of the client certificate's private key.</summary>
    public string? KeyFile { get; set; }

    /// <summary>Accept any broker certificate. For labs only: logged as a warning and shown on the status bar.</summary>
    public bool Insecure { get; set; }
}
