using ChoriaDashboard.Ingest;
using ChoriaDashboard.Ingest.Connection;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting;

/// <summary>The TLS files are checked before the app starts: each problem names the setting and the file.</summary>
public sealed class BrokerConnectionValidationTests : IDisposable
{
    private readonly TestCertificates _pki = TestCertificates.Create();

    [Fact]
    public void Validate_GoodTlsFiles_Succeeds()
    {
        var result = new NatsOptionsValidator().Validate(null, Nats(_pki.CaFile, _pki.ClientCertFile, _pki.ClientKeyFile));

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("CaFile", "Nats:Tls:CaFile")]
    [InlineData("CertFile", "Nats:Tls:CertFile")]
    [InlineData("KeyFile", "Nats:Tls:KeyFile")]
    public void Validate_MissingFile_NamesTheSettingAndTheFile(string which, string setting)
    {
        var missing = Path.Combine(_pki.Directory, "no-such.pem");
        var options = Nats(_pki.CaFile, _pki.ClientCertFile, _pki.ClientKeyFile);
        typeof(NatsTlsOptions).GetProperty(which)!.SetValue(options.Tls, missing);

        var failure = Assert.Single(new NatsOptionsValidator().Validate(null, options).Failures!);

        Assert.Equal($"{setting} '{missing}' does not exist.", failure);
    }

    [Fact]
    public void Validate_KeyOfAnotherCertificate_NamesBothFiles()
    {
        var failure = Assert.Single(new NatsOptionsValidator().Validate(null, Nats(_pki.CaFile, _pki.ClientCertFile, _pki.UntrustedKeyFile)).Failures!);

        Assert.StartsWith($"Nats:Tls:KeyFile '{_pki.UntrustedKeyFile}' does not load as the private key of Nats:Tls:CertFile '{_pki.ClientCertFile}'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CaFileWithoutCertificate_SaysSo()
    {
        var failure = Assert.Single(new NatsOptionsValidator().Validate(null, Nats(_pki.ClientKeyFile, null, null)).Failures!);

        Assert.Equal($"Nats:Tls:CaFile '{_pki.ClientKeyFile}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).", failure);
    }

    [Fact]
    public void Validate_CertWithoutKey_SaysTheyGoTogether()
    {
        var failure = Assert.Single(new NatsOptionsValidator().Validate(null, Nats(null, _pki.ClientCertFile, null)).Failures!);

        Assert.StartsWith("Nats:Tls:CertFile and Nats:Tls:KeyFile go together", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Resolve_ClientCertificate_IsMutualTls_WarnsOnlyWhenInsecure(bool insecure)
    {
        var options = Nats(_pki.CaFile, _pki.ClientCertFile, _pki.ClientKeyFile);
        options.Tls.Insecure = insecure;

        var settings = BrokerConnectionResolver.Resolve(options, out _);

        Assert.Equal("mutual TLS", settings.Description);
        Assert.Equal(insecure, settings.Warning is not null);
    }

    [Fact]
    public async Task App_MissingTlsFile_ExitsWithCode2AndNoStackTrace()
    {
        var missing = Path.Combine(_pki.Directory, "missing-ca.pem");
        var (exitCode, output) = await AppProcess.RunUntilExitAsync(new Dictionary<string, string>
        {
            ["Nats__Url"] = "nats://127.0.0.1:1",
            ["Nats__Tls__CaFile"] = missing,
            ["Nats__Password"] = "s3cret-password",
        });

        Assert.Equal(2, exitCode);
        Assert.Contains($"Nats:Tls:CaFile '{missing}' does not exist.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-password", output, StringComparison.Ordinal);
    }

    private static NatsOptions Nats(string? ca, string? cert, string? key) => new()
    {
        Subjects = ["choria.machine.transition"],
        Tls = new NatsTlsOptions { CaFile = ca, CertFile = cert, KeyFile = key },
    };

    public void Dispose() => _pki.Dispose();
}
