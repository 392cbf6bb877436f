using System.Text.Json;
using ChoriaDashboard.Tests.Infrastructure;
using NATS.Client.Core;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>A real nats-server that wants TLS and verifies client certificates (<c>verify: true</c>), as a Choria broker does.</summary>
public sealed class TlsBrokerFixture : IAsyncLifetime
{
    public TestCertificates Certificates { get; } = TestCertificates.Create();

    public ConfiguredNatsServer Server { get; private set; } = default!;

    public string Url => Server.Url;

    public async Task InitializeAsync() => Server = await ConfiguredNatsServer.StartAsync($$"""
        listen: "127.0.0.1:{port}"
        tls {
          cert_file: "{{Certificates.ServerCertFile}}"
          key_file: "{{Certificates.ServerKeyFile}}"
          ca_file: "{{Certificates.CaFile}}"
          verify: true
          timeout: 5
        }
        """);

    /// <summary>Options for a test publisher with the good client certificate.</summary>
    public NatsOpts PublisherOpts => NatsOpts.Default with
    {
        Url = Url,
        TlsOpts = new NatsTlsOpts { Mode = TlsMode.Require, CaFile = Certificates.CaFile, CertFile = Certificates.ClientCertFile, KeyFile = Certificates.ClientKeyFile },
    };

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Certificates.Dispose();
    }
}

public sealed class BrokerTlsTests(TlsBrokerFixture broker) : IClassFixture<TlsBrokerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task MutualTls_RightFiles_ConnectsAndEventsReachTheApiWithoutSecrets()
    {
        var settings = Tls(broker.Certificates.CaFile, broker.Certificates.ClientCertFile, broker.Certificates.ClientKeyFile);
        settings["Nats:User"] = "dashboard";
        settings["Nats:Password"] = "s3cret-password";
        await using var app = new DashboardFactory(broker.Url, settings);
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);

        await using var publisher = new TestPublisher(broker.PublisherOpts);
        await publisher.PublishAsync(Startup("tls1.example.net"), WireFormat.CloudEventStructured);
        await publisher.PublishAsync(Startup("tls2.example.net"), WireFormat.Legacy);
        await publisher.FlushAsync();

        var fleet = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => f.GetProperty("totals").GetProperty("nodes").GetInt32() == 2,
            Timeout,
            "the two nodes published over TLS");
        var nats = fleet.GetProperty("nats");
        Assert.Equal("connected", nats.GetProperty("state").GetString());
        Assert.Equal("mutual TLS", nats.GetProperty("security").GetString());
        Assert.Equal(JsonValueKind.Null, nats.GetProperty("warning").ValueKind);
        var raw = await http.GetStringAsync("/api/fleet");
        Assert.DoesNotContain("s3cret-password", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MutualTls_ClientCertificateFromAnotherCa_RefusedAsNotTrusted()
    {
        var reason = await FailureReasonAsync(Tls(broker.Certificates.CaFile, broker.Certificates.UntrustedCertFile, broker.Certificates.UntrustedKeyFile));

        Assert.StartsWith("certificate not trusted", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MutualTls_ExpiredClientCertificate_RefusedAsExpired()
    {
        var reason = await FailureReasonAsync(Tls(broker.Certificates.CaFile, broker.Certificates.ExpiredCertFile, broker.Certificates.ExpiredKeyFile));

        Assert.StartsWith("certificate expired", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_BrokerCertificateFromAnotherCa_RefusedAsNotTrusted()
    {
        var reason = await FailureReasonAsync(Tls(broker.Certificates.OtherCaFile, broker.Certificates.ClientCertFile, broker.Certificates.ClientKeyFile));

        Assert.Equal("certificate not trusted: the broker's certificate does not chain to the configured CA", reason);
    }

    [Fact]
    public async Task Tls_Insecure_ConnectsWithoutTheCaAndWarns()
    {
        var settings = Tls(null, broker.Certificates.ClientCertFile, broker.Certificates.ClientKeyFile);
        settings["Nats:Tls:Insecure"] = "true";
        await using var app = new DashboardFactory(broker.Url, settings);
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);

        var nats = (await FleetApiIntegrationTests.GetFleetAsync(http)).GetProperty("nats");

        Assert.Contains("not verified", nats.GetProperty("warning").GetString(), StringComparison.Ordinal);
        Assert.Contains("Nats:Tls:Insecure", nats.GetProperty("warning").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChoriaConfig_FileProvider_ConnectsWithMutualTls()
    {
        var conf = Path.Combine(broker.Certificates.Directory, "file-provider.conf");
        await File.WriteAllTextAsync(conf, $"""
            # a Choria client configuration with the file security provider
            plugin.choria.middleware_hosts = 127.0.0.1:{broker.Server.Port}
            plugin.security.provider = file
            plugin.security.file.certificate = {broker.Certificates.ClientCertFile}
            plugin.security.file.key = {broker.Certificates.ClientKeyFile}
            plugin.security.file.ca = {broker.Certificates.CaFile}
            plugin.rpcaudit.logfile = /var/log/choria-audit.log
            """);

        await AssertConnectsAsync(conf);
    }

    [Fact]
    public async Task ChoriaConfig_PuppetSslDir_ConnectsWithMutualTls()
    {
        var sslDir = Path.Combine(broker.Certificates.Directory, "puppet-ssl");
        Directory.CreateDirectory(Path.Combine(sslDir, "certs"));
        Directory.CreateDirectory(Path.Combine(sslDir, "private_keys"));
        File.Copy(broker.Certificates.CaFile, Path.Combine(sslDir, "certs", "ca.pem"), overwrite: true);
        broker.Certificates.IssueClient("rip.mcollective", Path.Combine(sslDir, "certs", "rip.mcollective.pem"), Path.Combine(sslDir, "private_keys", "rip.mcollective.pem"));
        var conf = Path.Combine(broker.Certificates.Directory, "puppet-provider.conf");
        await File.WriteAllTextAsync(conf, $"""
            plugin.choria.middleware_hosts = nats://127.0.0.1:{broker.Server.Port}
            plugin.security.provider = puppet
            plugin.choria.ssldir = {sslDir}
            plugin.security.certname = rip.mcollective
            identity = dashboard.example.net
            """);

        await AssertConnectsAsync(conf);
    }

    private static async Task AssertConnectsAsync(string choriaConfig)
    {
        // Nats:Url at its default: the broker comes from the Choria configuration.
        await using var app = new DashboardFactory(ChoriaDashboard.Ingest.NatsOptions.DefaultUrl, new Dictionary<string, string?> { ["Nats:ChoriaConfigFile"] = choriaConfig });
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);

        var nats = (await FleetApiIntegrationTests.GetFleetAsync(http)).GetProperty("nats");
        Assert.Equal("mutual TLS", nats.GetProperty("security").GetString());
    }

    private async Task<string> FailureReasonAsync(Dictionary<string, string?> settings)
    {
        await using var app = new DashboardFactory(broker.Url, settings);
        using var http = app.CreateClient();
        var fleet = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => f.GetProperty("nats").GetProperty("reason").ValueKind == JsonValueKind.String,
            Timeout,
            "a failure reason in /api/fleet");
        Assert.NotEqual("connected", fleet.GetProperty("nats").GetProperty("state").GetString());
        return fleet.GetProperty("nats").GetProperty("reason").GetString()!;
    }

    private static Dictionary<string, string?> Tls(string? ca, string cert, string key) => new()
    {
        ["Nats:Tls:CaFile"] = ca,
        ["Nats:Tls:CertFile"] = cert,
        ["Nats:Tls:KeyFile"] = key,
    };
}
