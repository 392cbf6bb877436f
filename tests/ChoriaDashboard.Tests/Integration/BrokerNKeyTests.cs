using ChoriaDashboard.Ingest;
using ChoriaDashboard.Tests.Infrastructure;
using NATS.NKeys;
using Xunit;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>A real nats-server that knows the dashboard only by its NKey.</summary>
public sealed class BrokerNKeyTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("choria-dashboard-nkey-").FullName;
    private KeyPair _user = default!;
    private ConfiguredNatsServer _server = default!;

    public async Task InitializeAsync()
    {
        _user = KeyPair.CreatePair(PrefixByte.User);
        _server = await ConfiguredNatsServer.StartAsync($$"""
            listen: "127.0.0.1:{port}"
            authorization {
              users: [ { nkey: "{{_user.GetPublicKey()}}" } ]
            }
            """);
    }

    [Fact]
    public async Task NKeySeedFile_KnownUser_ConnectsAndSaysSo()
    {
        var seedFile = Path.Combine(_dir, "dashboard.nk");
        await File.WriteAllTextAsync(seedFile, _user.GetSeed() + "\n");
        await using var app = new DashboardFactory(_server.Url, new Dictionary<string, string?> { ["Nats:NKeySeedFile"] = seedFile });
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);

        var raw = await http.GetStringAsync("/api/fleet");

        Assert.Contains("\"security\":\"plain + NKey\"", raw, StringComparison.Ordinal);
        Assert.DoesNotContain(_user.GetSeed(), raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NKeySeedFile_UnknownUser_RefusedAsAuthorizationViolation()
    {
        using var stranger = KeyPair.CreatePair(PrefixByte.User);
        var seedFile = Path.Combine(_dir, "stranger.nk");
        await File.WriteAllTextAsync(seedFile, stranger.GetSeed());
        await using var app = new DashboardFactory(_server.Url, new Dictionary<string, string?> { ["Nats:NKeySeedFile"] = seedFile });
        using var http = app.CreateClient();

        var fleet = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => f.GetProperty("nats").GetProperty("reason").ValueKind == System.Text.Json.JsonValueKind.String,
            TimeSpan.FromSeconds(20),
            "a failure reason in /api/fleet");

        Assert.StartsWith("authorization violation", fleet.GetProperty("nats").GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NKeySeedFile_NotASeed_FailsValidationNamingTheFile()
    {
        var seedFile = Path.Combine(_dir, "garbage.nk");
        await File.WriteAllTextAsync(seedFile, "SUNOTAREALSEED\n");

        var failure = Assert.Single(new NatsOptionsValidator().Validate(null, new NatsOptions { Subjects = ["a.b"], NKeySeedFile = seedFile }).Failures!);

        Assert.Equal($"Nats:NKeySeedFile '{seedFile}' holds no valid NKey user seed (a line starting with SU).", failure);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _user.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
