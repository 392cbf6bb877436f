using ChoriaDashboard.Ingest;
using ChoriaDashboard.Ingest.Connection;
using Xunit;

namespace ChoriaDashboard.Tests.Ingest.Connection;

/// <summary>Real-looking Choria client configurations into connection settings; each broken one into its message.</summary>
public sealed class ChoriaClientConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("choria-dashboard-conf-").FullName;

    public static TheoryData<string, string> Hosts => new()
    {
        { "plugin.choria.middleware_hosts = broker1.example.net:4222", "nats://broker1.example.net:4222" },
        { "plugin.choria.middleware_hosts=broker1.example.net:4222,broker2.example.net:4223", "nats://broker1.example.net:4222,nats://broker2.example.net:4223" },
        { "plugin.choria.middleware_hosts =  nats://b1:4222 , tls://b2:4443 ", "nats://b1:4222,tls://b2:4443" },
        { "plugin.choria.middleware_hosts = broker.example.net", "nats://broker.example.net:4222" },
        { "# plugin.choria.middleware_hosts = commented.out:4222\nplugin.choria.middleware_hosts = real:4222", "nats://real:4222" },
        { "plugin.choria.middleware_hosts = first:4222\nplugin.choria.middleware_hosts = last:4222", "nats://last:4222" },
    };

    [Theory]
    [MemberData(nameof(Hosts))]
    public void BrokerUrls_MiddlewareHosts_BecomeNatsUrls(string text, string urls)
    {
        Assert.Equal(urls, string.Join(',', ChoriaClientConfig.Parse(text, "client.conf").BrokerUrls()));
    }

    [Fact]
    public void Resolve_FileProvider_UsesItsFilesAndHosts()
    {
        var conf = Write("""
            # Choria client configuration, as puppet-choria writes it
            main_collective = mcollective
            collectives = mcollective
            loglevel = warn
            plugin.choria.middleware_hosts = broker1.example.net:4222, broker2.example.net:4222
            plugin.security.provider = file
            plugin.security.file.certificate = /etc/choria/ssl/dashboard.pem
            plugin.security.file.key =/etc/choria/ssl/dashboard-key.pem
            plugin.security.file.ca= /etc/choria/ssl/ca.pem
            plugin.choria.use_srv = false
            """);

        var settings = BrokerConnectionResolver.Resolve(new NatsOptions { ChoriaConfigFile = conf }, true, "/root", out var errors);

        Assert.Equal("nats://broker1.example.net:4222,nats://broker2.example.net:4222", settings.Url);
        Assert.Equal(new TlsFiles("/etc/choria/ssl/ca.pem", "/etc/choria/ssl/dashboard.pem", "/etc/choria/ssl/dashboard-key.pem"), settings.Tls);
        Assert.Equal(3, errors.Count);
        Assert.Equal($"plugin.security.file.ca in {conf} '/etc/choria/ssl/ca.pem' does not exist.", errors[0]);
    }

    [Theory]
    [InlineData(true, "/root", "/etc/puppetlabs/puppet/ssl")]
    [InlineData(false, "/home/rip", "/home/rip/.puppetlabs/etc/puppet/ssl")]
    public void Resolve_PuppetProviderByDefault_UsesThePuppetSslDirOfTheUser(bool isRoot, string home, string sslDir)
    {
        var conf = Write("plugin.choria.middleware_hosts = b:4222\nidentity = dashboard.example.net\n");

        var settings = BrokerConnectionResolver.Resolve(new NatsOptions { ChoriaConfigFile = conf }, isRoot, home, out _);

        Assert.Equal(new TlsFiles($"{sslDir}/certs/ca.pem", $"{sslDir}/certs/dashboard.example.net.pem", $"{sslDir}/private_keys/dashboard.example.net.pem"), settings.Tls);
    }

    [Theory]
    [InlineData(false, "rip", null, "rip.mcollective")]
    [InlineData(true, "root", null, "dashboard.example.net")]
    [InlineData(false, null, null, "dashboard.example.net")]
    [InlineData(false, "rip", "ops.mcollective", "ops.mcollective")]
    [InlineData(true, "root", "ops.mcollective", "ops.mcollective")]
    public void Resolve_PuppetProviderWithoutCertname_NamesTheCertificateAsGoChoriaDoes(bool isRoot, string? user, string? certnameVariable, string expected)
    {
        var conf = Write("plugin.choria.middleware_hosts = b:4222\nplugin.choria.ssldir = /srv/ssl\nidentity = dashboard.example.net\n");
        var environment = new Dictionary<string, string?> { ["USER"] = user, ["MCOLLECTIVE_CERTNAME"] = certnameVariable };

        var settings = BrokerConnectionResolver.Resolve(new NatsOptions { ChoriaConfigFile = conf }, isRoot, "/home/rip", name => environment.GetValueOrDefault(name), out _);

        Assert.Equal($"/srv/ssl/certs/{expected}.pem", settings.Tls!.CertFile);
        Assert.Equal($"/srv/ssl/private_keys/{expected}.pem", settings.Tls.KeyFile);
    }

    [Fact]
    public void Resolve_PuppetProvider_CertnameWinsOverIdentityAndSslDirOverTheDefault()
    {
        var conf = Write("plugin.security.provider = puppet\nplugin.choria.ssldir = /srv/ssl\nidentity = host.example.net\nplugin.security.certname = rip.mcollective\nplugin.choria.middleware_hosts = b:4222\n");

        var settings = BrokerConnectionResolver.Resolve(new NatsOptions { ChoriaConfigFile = conf }, true, "/root", out _);

        Assert.Equal(new TlsFiles("/srv/ssl/certs/ca.pem", "/srv/ssl/certs/rip.mcollective.pem", "/srv/ssl/private_keys/rip.mcollective.pem"), settings.Tls);
    }

    [Fact]
    public void Resolve_ExplicitNatsSettings_WinOverTheFile()
    {
        var conf = Write("plugin.choria.middleware_hosts = b:4222\nplugin.security.provider = file\nplugin.security.file.certificate = /c.pem\nplugin.security.file.key = /k.pem\nplugin.security.file.ca = /ca.pem\n");
        var options = new NatsOptions { ChoriaConfigFile = conf, Url = "tls://mine:4222", Tls = new NatsTlsOptions { CaFile = "/my-ca.pem" } };

        var settings = BrokerConnectionResolver.Resolve(options, true, "/root", out var errors);

        Assert.Equal("tls://mine:4222", settings.Url);
        Assert.Equal(new TlsFiles("/my-ca.pem", "/c.pem", "/k.pem"), settings.Tls);
        Assert.Contains("Nats:Tls:CaFile '/my-ca.pem' does not exist.", errors);
    }

    [Theory]
    [InlineData("plugin.security.provider = file\nplugin.choria.middleware_hosts = b:4222\nplugin.security.file.key = /k\nplugin.security.file.ca = /ca\n", "plugin.security.file.certificate is not set in {0}: the file security provider needs it.")]
    [InlineData("plugin.security.provider = pkcs11\nplugin.choria.middleware_hosts = b:4222\n", "plugin.security.provider = pkcs11 in {0} is not supported: use file, puppet or choria.")]
    [InlineData("plugin.choria.middleware_hosts = b:4222\n", "plugin.security.certname (or identity, or MCOLLECTIVE_CERTNAME) is not set in {0}: the puppet security provider needs the certificate name.")]
    [InlineData("identity = x\n", "plugin.choria.middleware_hosts is not set in {0} (SRV lookup is not supported): set it, or Nats:Url.")]
    public void Resolve_BrokenFile_SaysWhichKeyInWhichFile(string text, string message)
    {
        var conf = Write(text);

        BrokerConnectionResolver.Resolve(new NatsOptions { ChoriaConfigFile = conf }, true, "/root", out var errors);

        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, message, conf), errors[0]);
    }

    [Fact]
    public void Resolve_MissingConfigFile_NamesTheSetting()
    {
        var missing = Path.Combine(_dir, "nope.conf");

        BrokerConnectionResolver.Resolve(new NatsOptions { ChoriaConfigFile = missing }, true, "/root", out var errors);

        Assert.Equal($"Nats:ChoriaConfigFile '{missing}' does not exist.", Assert.Single(errors));
    }

    private string Write(string text)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".conf");
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
