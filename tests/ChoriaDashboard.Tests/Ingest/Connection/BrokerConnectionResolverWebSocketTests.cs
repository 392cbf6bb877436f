using ChoriaDashboard.Ingest;
using ChoriaDashboard.Ingest.Connection;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;

namespace ChoriaDashboard.Tests.Ingest.Connection;

/// <summary>A WebSocket URL with TLS settings is a configuration error, never a connection that is quietly plain.</summary>
public sealed class BrokerConnectionResolverWebSocketTests : IDisposable
{
    private readonly TestCertificates _pki = TestCertificates.Create();

    [Theory]
    [InlineData("ws://broker.example.net:8080")]
    [InlineData("WS://broker.example.net:8080")]
    [InlineData("nats://broker1.example.net:4222, ws://broker2.example.net:8080")]
    public void Resolve_WsUrlWithCaFile_ErrorSaysTheTlsSettingsWouldBeIgnored(string url)
    {
        BrokerConnectionResolver.Resolve(new NatsOptions { Url = url, Tls = new NatsTlsOptions { CaFile = _pki.CaFile } }, false, "/home/rip", out var errors);

        var error = Assert.Single(errors);
        Assert.StartsWith("Nats:Url '", error, StringComparison.Ordinal);
        Assert.Contains("is a WebSocket URL, but TLS is configured (Nats:Tls:CaFile)", error, StringComparison.Ordinal);
        Assert.Contains("a ws:// connection is never encrypted", error, StringComparison.Ordinal);
        Assert.EndsWith("use tls://host:port, or remove the TLS settings.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_WssUrlWithClientCertificate_ErrorNamesEachSetting()
    {
        var options = new NatsOptions
        {
            Url = "wss://broker.example.net:443",
            Tls = new NatsTlsOptions { CaFile = _pki.CaFile, CertFile = _pki.ClientCertFile, KeyFile = _pki.ClientKeyFile },
        };

        BrokerConnectionResolver.Resolve(options, false, "/home/rip", out var errors);

        var error = Assert.Single(errors);
        Assert.Contains("TLS is configured (Nats:Tls:CaFile, Nats:Tls:CertFile, Nats:Tls:KeyFile): TLS settings over wss:// are not supported.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_WsUrlWithInsecure_Error()
    {
        BrokerConnectionResolver.Resolve(new NatsOptions { Url = "ws://broker.example.net:8080", Tls = new NatsTlsOptions { Insecure = true } }, false, "/home/rip", out var errors);

        Assert.Contains("(Nats:Tls:Insecure)", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_WsUrlWithPassword_ErrorDoesNotShowThePassword()
    {
        BrokerConnectionResolver.Resolve(new NatsOptions { Url = "ws://dashboard:s3cret@broker.example.net:8080", Tls = new NatsTlsOptions { CaFile = _pki.CaFile } }, false, "/home/rip", out var errors);

        var error = Assert.Single(errors);
        Assert.Contains("'ws://***@broker.example.net:8080'", error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ws://broker.example.net:8080")]
    [InlineData("wss://broker.example.net:443")]
    public void Resolve_WebSocketUrlWithoutTlsSettings_NoError(string url)
    {
        BrokerConnectionResolver.Resolve(new NatsOptions { Url = url }, false, "/home/rip", out var errors);

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("tls://broker.example.net:4222")]
    [InlineData("nats://broker.example.net:4222")]
    public void Resolve_NatsOrTlsUrlWithTlsSettings_NoError(string url)
    {
        BrokerConnectionResolver.Resolve(new NatsOptions { Url = url, Tls = new NatsTlsOptions { CaFile = _pki.CaFile, CertFile = _pki.ClientCertFile, KeyFile = _pki.ClientKeyFile } }, false, "/home/rip", out var errors);

        Assert.Empty(errors);
    }

    [Fact]
    public void Resolve_WsUrlWithChoriaFileProvider_ErrorNamesTheConfigurationKeys()
    {
        var conf = Path.Combine(_pki.Directory, "client.conf");
        File.WriteAllText(conf, $"plugin.security.provider = file\nplugin.security.file.certificate = {_pki.ClientCertFile}\nplugin.security.file.key = {_pki.ClientKeyFile}\nplugin.security.file.ca = {_pki.CaFile}\n");

        BrokerConnectionResolver.Resolve(new NatsOptions { Url = "ws://broker.example.net:8080", ChoriaConfigFile = conf }, false, "/home/rip", out var errors);

        var error = Assert.Single(errors);
        Assert.Contains($"plugin.security.file.ca in {conf}", error, StringComparison.Ordinal);
        Assert.Contains("Nats:Tls and the Choria security files apply to nats:// and tls:// URLs only", error, StringComparison.Ordinal);
    }

    public void Dispose() => _pki.Dispose();
}
