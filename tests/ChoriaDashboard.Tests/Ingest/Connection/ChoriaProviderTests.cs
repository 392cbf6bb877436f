using ChoriaDashboard.Ingest;
using ChoriaDashboard.Ingest.Connection;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;

namespace ChoriaDashboard.Tests.Ingest.Connection;

/// <summary>The <c>choria</c> security provider: token, seed, inbox prefix and TLS from a Choria client configuration.</summary>
public sealed class ChoriaProviderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("choria-dashboard-jwt-").FullName;
    private readonly byte[] _seed = ChoriaTokenFiles.NewSeed();

    [Fact]
    public void Resolve_ChoriaProvider_SendsTheTokenAsJwtAndTokenAndRepliesOnTheCallersInbox()
    {
        var jwt = ChoriaTokenFiles.ClientJwt("up=rip");
        var (token, seed) = ChoriaTokenFiles.Write(_dir, jwt, _seed);
        var conf = Write($"plugin.security.provider = choria\nplugin.choria.middleware_hosts = broker.example.net:4222\nplugin.security.choria.token_file = {token}\nplugin.security.choria.seed_file = {seed}\n");

        var settings = BrokerConnectionResolver.Resolve(new NatsOptions { ChoriaConfigFile = conf }, false, "/home/rip", out var errors);

        Assert.Empty(errors);
        Assert.Equal(jwt, settings.Jwt);
        Assert.Equal(jwt, settings.Token);
        // md5("up=rip"), computed apart from the code under test.
        Assert.Equal("choria.reply.7419405695a186147a0de38f7e31a509", settings.InboxPrefix);
        using var pair = NATS.NKeys.KeyPair.FromSeed(settings.NKeySeed);
        Assert.Equal(BrokerSecurity.Jwt, settings.Security);
        Assert.Equal("JWT over TLS", settings.Description);
        Assert.True(settings.InsecureSkipVerify);
        Assert.Null(settings.Tls);
        Assert.Equal($"the broker's TLS certificate is not verified (no plugin.security.choria.ca in {conf})", settings.Warning);
        Assert.DoesNotContain(jwt, settings.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(",\"exp\":1796040000", "2026-11-30T12:00:00+00:00")]
    [InlineData("", null)]
    [InlineData(",\"exp\":\"tomorrow\"", null)]
    public void Resolve_ChoriaProvider_ReadsTheTokensExpiry(string expClaim, string? expected)
    {
        var jwt = ChoriaTokenFiles.Jwt($$"""{"purpose":"choria_client_id","callerid":"up=rip"{{expClaim}}}""");
        var (token, seed) = ChoriaTokenFiles.Write(_dir, jwt, _seed);
        var conf = Write($"plugin.security.provider = choria\nplugin.choria.middleware_hosts = b:4222\nplugin.security.choria.token_file = {token}\nplugin.security.choria.seed_file = {seed}\n");

        var settings = BrokerConnectionResolver.Resolve(new NatsOptions { ChoriaConfigFile = conf }, false, "/home/rip", out var errors);

        Assert.Empty(errors);
        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), settings.TokenNotAfter);
    }

    [Fact]
    public void Resolve_ChoriaProviderWithCaAndCertificate_VerifiesTheBrokerAndPresentsTheCertificate()
    {
        using var pki = TestCertificates.Create();
        var (token, seed) = ChoriaTokenFiles.Write(_dir, ChoriaTokenFiles.ClientJwt("choria=dashboard"), _seed);
        var conf = Write($"""
            plugin.security.provider = choria
            plugin.choria.middleware_hosts = tls://broker.example.net:4222
            plugin.security.choria.token_file = {token}
            plugin.security.choria.seed_file = {seed}
            plugin.security.choria.ca = {pki.CaFile}
            plugin.security.choria.certificate = {pki.ClientCertFile}
            plugin.security.choria.key = {pki.ClientKeyFile}
            """);

        var settings = BrokerConnectionResolver.Resolve(new NatsOptions { ChoriaConfigFile = conf }, false, "/home/rip", out var errors);

        Assert.Empty(errors);
        Assert.Equal(new TlsFiles(pki.CaFile, pki.ClientCertFile, pki.ClientKeyFile), settings.Tls);
        Assert.False(settings.InsecureSkipVerify);
        Assert.Null(settings.Warning);
        Assert.Equal("JWT over TLS", settings.Description);
    }

    [Theory]
    [InlineData("", "choria")]
    [InlineData("collectives = mcollective,other\n", "mcollective")]
    [InlineData("collectives = dev , prod\nmain_collective = prod\n", "prod")]
    public void Collective_MainCollectiveElseFirstCollectiveElseChoria(string text, string collective) =>
        Assert.Equal(collective, ChoriaJwt.Collective(ChoriaClientConfig.Parse(text, "x.conf")));

    public static TheoryData<string, string> Broken => new()
    {
        { "seed_file = {seed}\n", "plugin.security.choria.token_file is not set in {conf}: the choria security provider needs it." },
        { "token_file = {token}\n", "plugin.security.choria.seed_file is not set in {conf}: the choria security provider needs it." },
        { "token_file = {dir}/none.jwt\nseed_file = {seed}\n", "plugin.security.choria.token_file in {conf} '{dir}/none.jwt' does not exist." },
        { "token_file = {token}\nseed_file = {dir}/none.seed\n", "plugin.security.choria.seed_file in {conf} '{dir}/none.seed' does not exist." },
        { "token_file = {token}\nseed_file = {seed}\n!seed=not hex at all", "plugin.security.choria.seed_file in {conf} '{seed}' does not hold an ed25519 seed (64 hex digits, as Choria writes it)." },
        { "token_file = {token}\nseed_file = {seed}\n!seed=00112233445566778899aabbccddeeff00112233445566778899aabbccddee", "plugin.security.choria.seed_file in {conf} '{seed}' does not hold an ed25519 seed (64 hex digits, as Choria writes it)." },
        { "token_file = {token}\nseed_file = {seed}\n!token=s3cret-not-a-jwt", "plugin.security.choria.token_file in {conf} '{token}' does not hold a JWT." },
        { "token_file = {token}\nseed_file = {seed}\n!token=a.b.c", "plugin.security.choria.token_file in {conf} '{token}' does not hold a JWT." },
        { "token_file = {token}\nseed_file = {seed}\n!token=" + ChoriaTokenFiles.Jwt("""{"purpose":"choria_provisioning","sub":"x"}"""), "plugin.security.choria.token_file in {conf} '{token}' holds a JWT that is not a Choria client or server token (purpose choria_client_id with a callerid, or choria_server with an identity)." },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Resolve_BrokenChoriaProvider_SaysWhichKeyInWhichFileAndNoSecret(string keys, string message)
    {
        var (token, seed) = ChoriaTokenFiles.Write(_dir, ChoriaTokenFiles.ClientJwt("up=rip"), _seed);
        var lines = keys.Split('\n');
        foreach (var line in lines.Where(l => l.StartsWith('!')))
        {
            var (what, content) = (line[1..line.IndexOf('=', StringComparison.Ordinal)], line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            File.WriteAllText(what == "seed" ? seed : token, content);
        }

        var body = string.Join('\n', lines.Where(l => l.Length > 0 && !l.StartsWith('!')).Select(l => "plugin.security.choria." + l));
        var conf = Write("plugin.security.provider = choria\nplugin.choria.middleware_hosts = b:4222\n" + body.Replace("{token}", token, StringComparison.Ordinal).Replace("{seed}", seed, StringComparison.Ordinal).Replace("{dir}", _dir, StringComparison.Ordinal) + "\n");

        BrokerConnectionResolver.Resolve(new NatsOptions { ChoriaConfigFile = conf }, false, "/home/rip", out var errors);

        var expected = message.Replace("{conf}", conf, StringComparison.Ordinal).Replace("{token}", token, StringComparison.Ordinal).Replace("{seed}", seed, StringComparison.Ordinal).Replace("{dir}", _dir, StringComparison.Ordinal);
        Assert.Equal(expected, Assert.Single(errors));
        Assert.DoesNotContain(Convert.ToHexStringLower(_seed), errors[0], StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", errors[0], StringComparison.Ordinal);
    }

    private string Write(string text)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".conf");
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
