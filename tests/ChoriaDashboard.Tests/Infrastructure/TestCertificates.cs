using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ChoriaDashboard.Tests.Infrastructure;

/// <summary>
/// A throw-away PKI in a temporary directory, made with .NET's <see cref="CertificateRequest"/>: a CA, a broker
/// certificate for 127.0.0.1 and localhost, a client certificate, an expired client certificate, and a second CA
/// (that the broker does not trust) with its own client certificate. All PEM, as Choria and nats-server use them.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(string directory) => Directory = directory;

    public string Directory { get; }

    public string CaFile => Path.Combine(Directory, "ca.pem");

    public string ServerCertFile => Path.Combine(Directory, "server.pem");

    public string ServerKeyFile => Path.Combine(Directory, "server-key.pem");

    public string ClientCertFile => Path.Combine(Directory, "client.pem");

    public string ClientKeyFile => Path.Combine(Directory, "client-key.pem");

    public string ExpiredCertFile => Path.Combine(Directory, "expired.pem");

    public string ExpiredKeyFile => Path.Combine(Directory, "expired-key.pem");

    public string OtherCaFile => Path.Combine(Directory, "other-ca.pem");

    public string UntrustedCertFile => Path.Combine(Directory, "untrusted.pem");

    public string UntrustedKeyFile => Path.Combine(Directory, "untrusted-key.pem");

    public static TestCertificates Create()
    {
        var certificates = new TestCertificates(System.IO.Directory.CreateTempSubdirectory("choria-dashboard-pki-").FullName);
        var now = DateTimeOffset.UtcNow;
        using var ca = CreateCa("Test Choria CA", now);
        using var otherCa = CreateCa("Some Other CA", now);
        certificates.Write(ca, "ca.pem", null);
        certificates.Write(otherCa, "other-ca.pem", null);
        certificates.Issue(ca, "broker.example.net", server: true, now.AddDays(-1), now.AddDays(30), "server.pem", "server-key.pem");
        certificates.Issue(ca, "dashboard.mcollective", server: false, now.AddDays(-1), now.AddDays(30), "client.pem", "client-key.pem");
        certificates.Issue(ca, "expired.mcollective", server: false, now.AddDays(-20), now.AddDays(-2), "expired.pem", "expired-key.pem");
        certificates.Issue(otherCa, "dashboard.mcollective", server: false, now.AddDays(-1), now.AddDays(30), "untrusted.pem", "untrusted-key.pem");
        return certificates;
    }

    /// <summary>Issues another certificate from the test CA, e.g. for a Puppet-style SSL directory.</summary>
    public void IssueClient(string name, string certPath, string keyPath)
    {
        using var caCert = X509Certificate2.CreateFromPemFile(CaFile, Path.Combine(Directory, "ca-key.pem"));
        var now = DateTimeOffset.UtcNow;
        Issue(caCert, name, server: false, now.AddDays(-1), now.AddDays(30), certPath, keyPath);
    }

    private static X509Certificate2 CreateCa(string name, DateTimeOffset now)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now.AddDays(-30), now.AddYears(1));
    }

    private void Issue(X509Certificate2 ca, string name, bool server, DateTimeOffset notBefore, DateTimeOffset notAfter, string certFile, string keyFile)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        if (server)
        {
            names.AddDnsName("localhost");
            names.AddIpAddress(System.Net.IPAddress.Loopback);
        }

        request.CertificateExtensions.Add(names.Build());
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using var certificate = request.Create(ca, notBefore, notAfter, serial);
        File.WriteAllText(Path.IsPathRooted(certFile) ? certFile : Path.Combine(Directory, certFile), certificate.ExportCertificatePem());
        File.WriteAllText(Path.IsPathRooted(keyFile) ? keyFile : Path.Combine(Directory, keyFile), key.ExportPkcs8PrivateKeyPem());
    }

    private void Write(X509Certificate2 ca, string certFile, string? keyFile)
    {
        File.WriteAllText(Path.Combine(Directory, certFile), ca.ExportCertificatePem());
        var caKey = Path.Combine(Directory, Path.GetFileNameWithoutExtension(certFile) + "-key.pem");
        File.WriteAllText(keyFile ?? caKey, ca.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
