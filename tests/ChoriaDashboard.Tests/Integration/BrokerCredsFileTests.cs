using ChoriaDashboard.Ingest;
using ChoriaDashboard.Tests.Infrastructure;
using NATS.NKeys;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>A real nats-server in operator mode (JWT accounts, memory resolver) that knows the dashboard by its credentials file.</summary>
public sealed class BrokerCredsFileTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("choria-dashboard-creds-").FullName;
    private readonly KeyPair _operator = KeyPair.CreatePair(PrefixByte.Operator);
    private readonly KeyPair _account = KeyPair.CreatePair(PrefixByte.Account);
    private readonly KeyPair _user = KeyPair.CreatePair(PrefixByte.User);
    private ConfiguredNatsServer _server = default!;

    public async Task InitializeAsync()
    {
        var operatorFile = Path.Combine(_dir, "operator.jwt");
        await File.WriteAllTextAsync(operatorFile, NatsJwts.Operator(_operator));
        _server = await ConfiguredNatsServer.StartAsync($$"""
            listen: "127.0.0.1:{port}"
            operator: "{{operatorFile}}"
            resolver: MEMORY
            resolver_preload: {
              {{_account.GetPublicKey()}}: "{{NatsJwts.Account(_operator, _account)}}"
            }
            """);
    }

    [Fact]
    public async Task CredsFile_UserOfTheAccount_ConnectsReceivesEventsAndShowsNoSecret()
    {
        var userJwt = NatsJwts.User(_account, _user);
        var creds = Path.Combine(_dir, "dashboard.creds");
        await File.WriteAllTextAsync(creds, NatsJwts.CredsFile(userJwt, _user));
        await using var app = new DashboardFactory(_server.Url, new Dictionary<string, string?> { ["Nats:CredsFile"] = creds });
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        await using (var publisher = new TestPublisher(new NATS.Client.Core.NatsOpts { Url = _server.Url, AuthOpts = NATS.Client.Core.NatsAuthOpts.Default with { CredsFile = creds } }))
        {
            await publisher.PublishAsync(Startup("creds-1.example.net"), WireFormat.CloudEventStructured);
            await publisher.FlushAsync();
        }

        var fleet = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => f.GetProperty("totals").GetProperty("live").GetInt32() == 1,
            TimeSpan.FromSeconds(20),
            "the event published by a user of the same account in /api/fleet");

        Assert.Equal("JWT", fleet.GetProperty("nats").GetProperty("security").GetString());
        var raw = fleet.ToString();
        Assert.DoesNotContain(_user.GetSeed(), raw, StringComparison.Ordinal);
        Assert.DoesNotContain(userJwt, raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredsFile_UserOfAnUnknownAccount_RefusedAsAuthorizationViolation()
    {
        using var strangerAccount = KeyPair.CreatePair(PrefixByte.Account);
        using var stranger = KeyPair.CreatePair(PrefixByte.User);
        var creds = Path.Combine(_dir, "stranger.creds");
        await File.WriteAllTextAsync(creds, NatsJwts.CredsFile(NatsJwts.User(strangerAccount, stranger), stranger));
        await using var app = new DashboardFactory(_server.Url, new Dictionary<string, string?> { ["Nats:CredsFile"] = creds });
        using var http = app.CreateClient();

        var fleet = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => f.GetProperty("nats").GetProperty("reason").ValueKind == System.Text.Json.JsonValueKind.String,
            TimeSpan.FromSeconds(20),
            "a failure reason in /api/fleet");

        Assert.StartsWith("authorization violation", fleet.GetProperty("nats").GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no-jwt", "SUAMLK2ZNL35WSMW37E7UD4VZ7ELPKW7DHC3BWBSD2GCZ7IUQQXZIORRBU\n", "holds no NATS user JWT")]
    [InlineData("no-seed", "-----BEGIN NATS USER JWT-----\neyJ0eXAiOiJKV1QifQ.e30.c2ln\n------END NATS USER JWT------\n", "holds no valid NKey user seed")]
    public async Task CredsFile_Broken_FailsValidationNamingSettingAndFile(string name, string content, string expected)
    {
        var creds = Path.Combine(_dir, name + ".creds");
        await File.WriteAllTextAsync(creds, content);

        var failure = Assert.Single(new NatsOptionsValidator().Validate(null, new NatsOptions { Subjects = ["a.b"], CredsFile = creds }).Failures!);

        Assert.StartsWith($"Nats:CredsFile '{creds}' {expected}", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("SUAMLK2ZNL35", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredsFile_WithNKeySeedFile_FailsValidationAskingForOne()
    {
        var creds = Path.Combine(_dir, "both.creds");
        await File.WriteAllTextAsync(creds, NatsJwts.CredsFile(NatsJwts.User(_account, _user), _user));
        var seedFile = Path.Combine(_dir, "both.nk");
        await File.WriteAllTextAsync(seedFile, _user.GetSeed());

        var failure = Assert.Single(new NatsOptionsValidator().Validate(null, new NatsOptions { Subjects = ["a.b"], CredsFile = creds, NKeySeedFile = seedFile }).Failures!);

        Assert.Equal($"Nats:CredsFile '{creds}' cannot be combined with Nats:NKeySeedFile: the broker takes one user identity; keep one.", failure);
    }

    [Fact]
    public void CredsFile_Missing_FailsValidationNamingSettingAndFile()
    {
        var creds = Path.Combine(_dir, "absent.creds");

        var failure = Assert.Single(new NatsOptionsValidator().Validate(null, new NatsOptions { Subjects = ["a.b"], CredsFile = creds }).Failures!);

        Assert.Equal($"Nats:CredsFile '{creds}' does not exist.", failure);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _operator.Dispose();
        _account.Dispose();
        _user.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
