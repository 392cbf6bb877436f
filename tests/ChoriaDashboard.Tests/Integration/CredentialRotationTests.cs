using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;
using NATS.NKeys;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>
/// Credentials replaced on disk while the dashboard runs: the broker then allows only the new ones, and the dashboard
/// reconnects with them and carries on, without a restart.
/// </summary>
public sealed class CredentialRotationTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("choria-dashboard-rotation-").FullName;
    private readonly TestCertificates _pki = TestCertificates.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task NKeySeedFile_ReplacedAndOldUserRemovedFromTheBroker_ReconnectsAsTheNewUserAndEventsArrive()
    {
        using var before = KeyPair.CreatePair(PrefixByte.User);
        using var after = KeyPair.CreatePair(PrefixByte.User);
        using var publisherKey = KeyPair.CreatePair(PrefixByte.User);
        string Users(KeyPair dashboard) => $$"""
            listen: "127.0.0.1:{port}"
            authorization {
              users: [ { nkey: "{{dashboard.GetPublicKey()}}" }, { nkey: "{{publisherKey.GetPublicKey()}}" } ]
            }
            """;
        await using var server = await ConfiguredNatsServer.StartAsync(Users(before));
        var seedFile = Path.Combine(_dir, "dashboard.nk");
        await File.WriteAllTextAsync(seedFile, before.GetSeed() + "\n");
        await using var app = new DashboardFactory(server.Url, new Dictionary<string, string?> { ["Nats:NKeySeedFile"] = seedFile });
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        await using var publisher = new TestPublisher(NatsOpts.Default with { Url = server.Url, AuthOpts = NatsAuthOpts.Default with { Seed = publisherKey.GetSeed(), NKey = publisherKey.GetPublicKey() } });
        await PublishUntilShownAsync(http, publisher, "before-rotation.example.net", 1);

        // As an operator rotates: the new seed goes on disk, then the broker forgets the old user.
        await ReplaceAsync(seedFile, after.GetSeed() + "\n");
        await server.ReloadAsync(Users(after));
        await ReconnectAsync(app);

        await PublishUntilShownAsync(http, publisher, "after-rotation.example.net", 2);
        var fleet = await FleetApiIntegrationTests.GetFleetAsync(http);
        Assert.Equal("connected", fleet.GetProperty("nats").GetProperty("state").GetString());
    }

    [Fact]
    public async Task ClientCertificate_ReplacedAndOldOneNoLongerMapped_NextReconnectPresentsTheNewOne()
    {
        // verify_and_map: the broker knows clients by their certificate's name, so only the named certificates get in.
        string Users(string dashboard) => $$"""
            listen: "127.0.0.1:{port}"
            tls {
              cert_file: "{{_pki.ServerCertFile}}"
              key_file: "{{_pki.ServerKeyFile}}"
              ca_file: "{{_pki.CaFile}}"
              verify_and_map: true
              timeout: 5
            }
            authorization {
              users: [ { user: "{{dashboard}}" }, { user: "dashboard.mcollective" } ]
            }
            """;
        var certFile = Path.Combine(_dir, "app.pem");
        var keyFile = Path.Combine(_dir, "app-key.pem");
        _pki.IssueClient("before.mcollective", certFile, keyFile);
        await using var server = await ConfiguredNatsServer.StartAsync(Users("before.mcollective"));
        await using var app = new DashboardFactory(server.Url, new Dictionary<string, string?>
        {
            ["Nats:Tls:CaFile"] = _pki.CaFile,
            ["Nats:Tls:CertFile"] = certFile,
            ["Nats:Tls:KeyFile"] = keyFile,
        });
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        await using var publisher = new TestPublisher(NatsOpts.Default with
        {
            Url = server.Url,
            TlsOpts = new NatsTlsOpts { Mode = TlsMode.Require, CaFile = _pki.CaFile, CertFile = _pki.ClientCertFile, KeyFile = _pki.ClientKeyFile },
        });
        await PublishUntilShownAsync(http, publisher, "before-rotation.example.net", 1);

        // A renewed certificate under a new name: written beside, then moved over the old pair, as a renewal tool does.
        _pki.IssueClient("after.mcollective", certFile + ".new", keyFile + ".new");
        File.Move(keyFile + ".new", keyFile, overwrite: true);
        File.Move(certFile + ".new", certFile, overwrite: true);
        await server.ReloadAsync(Users("after.mcollective"));
        await ReconnectAsync(app);

        await PublishUntilShownAsync(http, publisher, "after-rotation.example.net", 2);
        var nats = (await FleetApiIntegrationTests.GetFleetAsync(http)).GetProperty("nats");
        Assert.Equal("connected", nats.GetProperty("state").GetString());
        Assert.Equal("mutual TLS", nats.GetProperty("security").GetString());
    }

    /// <summary>
    /// Publishes the node's startup until it shows: while the dashboard reconnects, a core NATS message finds no
    /// subscriber, and a node that shows proves the connection is back and subscribed.
    /// </summary>
    private static Task PublishUntilShownAsync(HttpClient http, TestPublisher publisher, string identity, int nodes) =>
        Eventually.TrueAsync(
            async () =>
            {
                var fleet = await FleetApiIntegrationTests.GetFleetAsync(http);
                if (fleet.GetProperty("totals").GetProperty("nodes").GetInt32() == nodes)
                {
                    return true;
                }

                await publisher.PublishAsync(Startup(identity), WireFormat.CloudEventStructured);
                await publisher.FlushAsync();
                return false;
            },
            Timeout,
            $"{identity} to show in /api/fleet ({nodes} nodes)");

    /// <summary>
    /// Forces the dashboard's connection to reconnect, as a broker restart would, and waits until it is open again: the
    /// broker now knows only the new credentials, so an open connection is one made with them.
    /// </summary>
    private static async Task ReconnectAsync(DashboardFactory app)
    {
        var connection = app.Services.GetRequiredService<INatsConnection>();
        var reopened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionOpened += (_, _) =>
        {
            reopened.TrySetResult();
            return ValueTask.CompletedTask;
        };
        await connection.ReconnectAsync();
        await reopened.Task.WaitAsync(Timeout);
    }

    private static async Task ReplaceAsync(string path, string content)
    {
        await File.WriteAllTextAsync(path + ".new", content);
        File.Move(path + ".new", path, overwrite: true);
    }

    public Task DisposeAsync()
    {
        _pki.Dispose();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }
}
