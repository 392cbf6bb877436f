using ChoriaDashboard.Ingest;
using ChoriaDashboard.Ingest.Connection;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NATS.Client.Core;
using NATS.NKeys;
using Xunit;

namespace ChoriaDashboard.Tests.Ingest.Connection;

/// <summary>Credential files are read again at every connection attempt; what is on disk then is what counts.</summary>
public sealed class RotatingCredentialsTests : IAsyncLifetime
{
    private static readonly Uri Broker = new("nats://127.0.0.1:4222");
    private readonly string _dir = Directory.CreateTempSubdirectory("choria-dashboard-rotating-").FullName;
    private readonly List<string> _refusals = [];
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    /// <summary>Never connected: only its events are attached to.</summary>
    private readonly NatsConnection _connection = new();

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public void CreateOpts_CredentialFile_AskedAtEveryAttemptNotReadOnce()
    {
        using var user = KeyPair.CreatePair(PrefixByte.User);
        var seedFile = Path.Combine(_dir, "dashboard.nk");
        File.WriteAllText(seedFile, user.GetSeed());
        var options = new NatsOptions { NKeySeedFile = seedFile };

        var opts = NatsConnectionFactory.CreateOpts(options, BrokerConnectionResolver.Resolve(options, false, _dir, out _), NullLoggerFactory.Instance);

        Assert.NotNull(opts.AuthOpts.AuthCredCallback);
        Assert.Null(opts.AuthOpts.Seed);
        Assert.Null(opts.AuthOpts.NKeyFile);
        Assert.Null(opts.AuthOpts.CredsFile);
    }

    [Fact]
    public void CreateOpts_PasswordOnly_NoCallback()
    {
        var options = new NatsOptions { User = "dashboard", Password = "s3cret" };

        var opts = NatsConnectionFactory.CreateOpts(options, BrokerConnectionResolver.Resolve(options, false, _dir, out _), NullLoggerFactory.Instance);

        Assert.Null(opts.AuthOpts.AuthCredCallback);
        Assert.Equal("dashboard", opts.AuthOpts.Username);
    }

    [Fact]
    public async Task NKeySeedFile_ReplacedByNoSeed_AttemptRefusedNamingTheFileNotTheContent()
    {
        using var user = KeyPair.CreatePair(PrefixByte.User);
        var seedFile = Path.Combine(_dir, "dashboard.nk");
        await File.WriteAllTextAsync(seedFile, user.GetSeed());
        var credentials = Credentials(new NatsOptions { NKeySeedFile = seedFile });
        await credentials.AuthenticateAsync(Broker, CancellationToken.None);

        await File.WriteAllTextAsync(seedFile, "SUHALFWRITTEN");
        var error = await Assert.ThrowsAsync<NatsException>(async () => await credentials.AuthenticateAsync(Broker, CancellationToken.None));

        Assert.Equal($"Nats:NKeySeedFile '{seedFile}' holds no valid NKey user seed (a line starting with SU).", error.Message);
        Assert.Equal([error.Message], _refusals);
    }

    [Fact]
    public async Task CredsFile_ReplacedByAnotherUsersFile_AcceptedAndABrokenOneRefused()
    {
        using var account = KeyPair.CreatePair(PrefixByte.Account);
        using var first = KeyPair.CreatePair(PrefixByte.User);
        using var second = KeyPair.CreatePair(PrefixByte.User);
        var creds = Path.Combine(_dir, "dashboard.creds");
        await File.WriteAllTextAsync(creds, NatsJwts.CredsFile(NatsJwts.User(account, first), first));
        var credentials = Credentials(new NatsOptions { CredsFile = creds });

        await File.WriteAllTextAsync(creds, NatsJwts.CredsFile(NatsJwts.User(account, second), second));
        await credentials.AuthenticateAsync(Broker, CancellationToken.None);
        await File.WriteAllTextAsync(creds, "");
        var error = await Assert.ThrowsAsync<NatsException>(async () => await credentials.AuthenticateAsync(Broker, CancellationToken.None));

        Assert.StartsWith($"Nats:CredsFile '{creds}' holds no NATS user JWT", error.Message, StringComparison.Ordinal);
        Assert.Single(_refusals);
    }

    [Fact]
    public async Task ChoriaToken_ReplacedByAnExpiredOne_BrokerRefusalSaysTokenExpiredWithTheNewDate()
    {
        var (settings, tokenFile) = Choria(ChoriaTokenFiles.ClientJwt("choria=dashboard"));
        var credentials = new RotatingCredentials(settings, _refusals.Add);
        var monitor = new BrokerConnectionMonitor(_time);
        monitor.Attach(_connection, 1, settings);
        var expired = DateTimeOffset.FromUnixTimeSeconds(_time.GetUtcNow().AddMinutes(-5).ToUnixTimeSeconds());

        await File.WriteAllTextAsync(tokenFile, Token("choria=dashboard", expired));
        await credentials.AuthenticateAsync(Broker, CancellationToken.None);
        monitor.ConnectionFailed(new NatsException("Authorization Violation"));

        Assert.Equal($"token expired: the broker refused the Choria token, which expired on {expired:u} (plugin.security.choria.token_file)", monitor.Current.Reason);
        Assert.Empty(_refusals);
    }

    [Fact]
    public async Task ChoriaToken_ExpiredAtStartThenReplacedByAFreshOne_RefusalNoLongerBlamedOnExpiry()
    {
        var (settings, tokenFile) = Choria(Token("choria=dashboard", _time.GetUtcNow().AddDays(-1)));
        var credentials = new RotatingCredentials(settings, _refusals.Add);
        var monitor = new BrokerConnectionMonitor(_time);
        monitor.Attach(_connection, 1, settings);

        await File.WriteAllTextAsync(tokenFile, ChoriaTokenFiles.ClientJwt("choria=dashboard"));
        await credentials.AuthenticateAsync(Broker, CancellationToken.None);
        monitor.ConnectionFailed(new NatsException("Authorization Violation"));

        Assert.Equal(BrokerFailureReason.AuthorizationViolation, monitor.Current.Reason);
    }

    [Fact]
    public async Task ChoriaToken_ReplacedByAnotherCallersToken_RefusedAskingForARestart()
    {
        var (settings, tokenFile) = Choria(ChoriaTokenFiles.ClientJwt("choria=dashboard"));
        var credentials = new RotatingCredentials(settings, _refusals.Add);
        var other = ChoriaTokenFiles.ClientJwt("choria=someone-else");

        await File.WriteAllTextAsync(tokenFile, other);
        var error = await Assert.ThrowsAsync<NatsException>(async () => await credentials.AuthenticateAsync(Broker, CancellationToken.None));

        Assert.Contains("now holds a token for another caller", error.Message, StringComparison.Ordinal);
        Assert.Contains("restart the dashboard", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(other, error.Message, StringComparison.Ordinal);
    }

    private RotatingCredentials Credentials(NatsOptions options)
    {
        var settings = BrokerConnectionResolver.Resolve(options, false, _dir, out var errors);
        Assert.Empty(errors);
        return new RotatingCredentials(settings, _refusals.Add);
    }

    private (BrokerConnectionSettings Settings, string TokenFile) Choria(string jwt)
    {
        var (tokenFile, seedFile) = ChoriaTokenFiles.Write(_dir, jwt, ChoriaTokenFiles.NewSeed());
        var conf = Path.Combine(_dir, "client.conf");
        File.WriteAllText(conf, $"plugin.security.provider = choria\nplugin.choria.middleware_hosts = broker.example.net:4222\nplugin.security.choria.token_file = {tokenFile}\nplugin.security.choria.seed_file = {seedFile}\n");
        var settings = BrokerConnectionResolver.Resolve(new NatsOptions { ChoriaConfigFile = conf }, false, _dir, out var errors);
        Assert.Empty(errors);
        return (settings, tokenFile);
    }

    private static string Token(string callerId, DateTimeOffset expires) =>
        ChoriaTokenFiles.Jwt($$"""{"purpose":"choria_client_id","callerid":"{{callerId}}","exp":{{expires.ToUnixTimeSeconds()}}}""");

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
