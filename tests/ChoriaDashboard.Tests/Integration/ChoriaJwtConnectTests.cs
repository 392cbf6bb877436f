using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using ChoriaDashboard.Ingest;
using ChoriaDashboard.Ingest.Connection;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NSec.Cryptography;
using Xunit;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>
/// The <c>choria</c> provider at the protocol level: a fake broker sends a nonce and reads the CONNECT the dashboard's
/// own connection options make, over TLS as go-choria's client always connects.
/// </summary>
public sealed class ChoriaJwtConnectTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("choria-dashboard-jwt-connect-").FullName;
    private readonly TestCertificates _pki = TestCertificates.Create();

    [Fact]
    public async Task Connect_ChoriaProvider_SendsTheJwtAndTheNonceSignedWithTheSeed()
    {
        var seed = ChoriaTokenFiles.NewSeed();
        var jwt = ChoriaTokenFiles.ClientJwt("choria=dashboard");
        var (tokenFile, seedFile) = ChoriaTokenFiles.Write(_dir, jwt, seed);
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var conf = Path.Combine(_dir, "client.conf");
        await File.WriteAllTextAsync(conf, $"""
            plugin.security.provider = choria
            plugin.choria.middleware_hosts = 127.0.0.1:{port}
            plugin.security.choria.token_file = {tokenFile}
            plugin.security.choria.seed_file = {seedFile}
            """);
        var options = new NatsOptions { ChoriaConfigFile = conf };
        var settings = BrokerConnectionResolver.Resolve(options, false, _dir, out var errors);
        Assert.Empty(errors);
        var opts = NatsConnectionFactory.CreateOpts(options, settings, NullLoggerFactory.Instance);
        Assert.Equal(settings.InboxPrefix, opts.InboxPrefix);

        await using var nats = new NatsConnection(opts);
        var connectSeen = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        var testDone = new TaskCompletionSource();
        var broker = ServeOneClientAsync(listener, nonce, connectSeen, testDone.Task);
        var connecting = nats.ConnectAsync().AsTask();
        var connect = await connectSeen.Task.WaitAsync(Timeout);

        Assert.Equal(jwt, connect.GetProperty("jwt").GetString());
        Assert.Equal(jwt, connect.GetProperty("auth_token").GetString());
        using var key = Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey);
        var signature = FromBase64Url(connect.GetProperty("sig").GetString()!);
        Assert.True(SignatureAlgorithm.Ed25519.Verify(key.PublicKey, Encoding.ASCII.GetBytes(nonce), signature), "the sig does not verify with the seed's public key");
        Assert.False(SignatureAlgorithm.Ed25519.Verify(key.PublicKey, Encoding.ASCII.GetBytes(nonce + "x"), signature));
        await connecting.WaitAsync(Timeout);
        Assert.Equal(NatsConnectionState.Open, nats.ConnectionState);
        testDone.SetResult();
        await broker.WaitAsync(Timeout);
    }

    [Fact]
    public async Task App_ChoriaProvider_FleetApiSaysJwtOverTlsAndNoSecret()
    {
        var seed = ChoriaTokenFiles.NewSeed();
        var jwt = ChoriaTokenFiles.ClientJwt("choria=dashboard");
        var (tokenFile, seedFile) = ChoriaTokenFiles.Write(_dir, jwt, seed);
        var conf = Path.Combine(_dir, "client.conf");
        await File.WriteAllTextAsync(conf, $"plugin.security.provider = choria\nplugin.choria.middleware_hosts = 127.0.0.1:1\nplugin.security.choria.token_file = {tokenFile}\nplugin.security.choria.seed_file = {seedFile}\n");
        await using var app = new DashboardFactory(NatsOptions.DefaultUrl, new Dictionary<string, string?> { ["Nats:ChoriaConfigFile"] = conf });
        using var http = app.CreateClient();

        var fleet = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => f.GetProperty("nats").TryGetProperty("security", out var security) && security.ValueKind == JsonValueKind.String,
            Timeout,
            "the security in /api/fleet");

        Assert.Equal("JWT over TLS", fleet.GetProperty("nats").GetProperty("security").GetString());
        var raw = await http.GetStringAsync("/api/fleet");
        Assert.DoesNotContain(jwt, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(seed), raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_ChoriaProviderWithAnExpiredToken_BrokerRefusal_SaysTokenExpired()
    {
        var expired = DateTimeOffset.UtcNow.AddHours(-2);
        var jwt = ChoriaTokenFiles.Jwt($$"""{"purpose":"choria_client_id","callerid":"choria=dashboard","exp":{{expired.ToUnixTimeSeconds()}}}""");
        var (tokenFile, seedFile) = ChoriaTokenFiles.Write(_dir, jwt, ChoriaTokenFiles.NewSeed());
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var broker = RefuseEveryClientAsync(listener, stop.Token);
        var conf = Path.Combine(_dir, "client.conf");
        await File.WriteAllTextAsync(conf, $"plugin.security.provider = choria\nplugin.choria.middleware_hosts = 127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}\nplugin.security.choria.token_file = {tokenFile}\nplugin.security.choria.seed_file = {seedFile}\n");
        await using var app = new DashboardFactory(NatsOptions.DefaultUrl, new Dictionary<string, string?> { ["Nats:ChoriaConfigFile"] = conf });
        using var http = app.CreateClient();

        var fleet = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => f.GetProperty("nats").GetProperty("reason").ValueKind == JsonValueKind.String,
            Timeout,
            "a failure reason in /api/fleet");

        var reason = fleet.GetProperty("nats").GetProperty("reason").GetString();
        Assert.StartsWith($"token expired: the broker refused the Choria token, which expired on {expired:u}", reason, StringComparison.Ordinal);
        Assert.DoesNotContain(jwt, fleet.ToString(), StringComparison.Ordinal);
        await stop.CancelAsync();
        listener.Stop();
        await broker;
    }

    [Fact]
    public async Task App_ChoriaProviderWithABadSeed_ExitsWithCode2NamingKeyAndFile()
    {
        var seed = ChoriaTokenFiles.NewSeed();
        var (tokenFile, seedFile) = ChoriaTokenFiles.Write(_dir, ChoriaTokenFiles.ClientJwt("choria=dashboard"), seed);
        var shortSeed = Convert.ToHexStringLower(seed[..31]);
        await File.WriteAllTextAsync(seedFile, shortSeed);
        var conf = Path.Combine(_dir, "client.conf");
        await File.WriteAllTextAsync(conf, $"plugin.security.provider = choria\nplugin.choria.middleware_hosts = 127.0.0.1:1\nplugin.security.choria.token_file = {tokenFile}\nplugin.security.choria.seed_file = {seedFile}\n");
        var (exitCode, output) = await AppProcess.RunUntilExitAsync(new Dictionary<string, string> { ["Nats__ChoriaConfigFile"] = conf });

        Assert.Equal(2, exitCode);
        Assert.Contains($"plugin.security.choria.seed_file in {conf} '{seedFile}' does not hold an ed25519 seed", output, StringComparison.Ordinal);
        Assert.DoesNotContain(shortSeed, output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    /// <summary>One client: INFO with a nonce, TLS, the CONNECT line, PONG so the client opens; held open until the test is done.</summary>
    private async Task ServeOneClientAsync(TcpListener listener, string nonce, TaskCompletionSource<JsonElement> connectSeen, Task testDone)
    {
        try
        {
            using var client = await listener.AcceptTcpClientAsync();
            await using var tls = await HandshakeAsync(client, nonce);
            using var reader = new StreamReader(tls, Encoding.ASCII, leaveOpen: true);
            var connect = await ReadConnectAsync(reader);
            await tls.WriteAsync(Encoding.ASCII.GetBytes("PONG\r\n"));
            await tls.FlushAsync();
            connectSeen.SetResult(connect);
            await testDone;
        }
        catch (Exception e) when (!connectSeen.Task.IsCompleted)
        {
            connectSeen.SetException(e);
        }
    }

    /// <summary>As a Choria broker with an expired token in front of it: every CONNECT is answered with an authorization violation.</summary>
    private async Task RefuseEveryClientAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var client = await listener.AcceptTcpClientAsync(stop);
                await using var tls = await HandshakeAsync(client, "bm9uY2U");
                using var reader = new StreamReader(tls, Encoding.ASCII, leaveOpen: true);
                await ReadConnectAsync(reader);
                await tls.WriteAsync(Encoding.ASCII.GetBytes("-ERR 'Authorization Violation'\r\n"), stop);
                await tls.FlushAsync(stop);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
            {
                // The client hung up or the test is over; take the next one.
            }
        }
    }

    private async Task<SslStream> HandshakeAsync(TcpClient client, string nonce)
    {
        var stream = client.GetStream();
        var info = $$"""INFO {"server_id":"x","version":"2.10.0","proto":1,"max_payload":1048576,"nonce":"{{nonce}}","auth_required":true,"tls_required":true}""" + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(info));
        using var certificate = X509Certificate2.CreateFromPemFile(_pki.ServerCertFile, _pki.ServerKeyFile);
        var tls = new SslStream(stream);
        await tls.AuthenticateAsServerAsync(certificate);
        return tls;
    }

    /// <summary>The JSON of the CONNECT line, after reading up to the PING that follows it.</summary>
    private static async Task<JsonElement> ReadConnectAsync(StreamReader reader)
    {
        string? line;
        while ((line = await reader.ReadLineAsync()) is not null && !line.StartsWith("CONNECT ", StringComparison.Ordinal))
        {
        }

        Assert.NotNull(line);
        using var json = JsonDocument.Parse(line["CONNECT ".Length..]);
        var connect = json.RootElement.Clone();
        while ((line = await reader.ReadLineAsync()) is not null && line != "PING")
        {
        }

        return connect;
    }

    // The NATS clients send base64url (Go) or standard base64 (.NET); the broker accepts both.
    private static byte[] FromBase64Url(string text)
    {
        var standard = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(standard.PadRight(standard.Length + ((4 - (standard.Length % 4)) % 4), '='));
    }

    public void Dispose()
    {
        _pki.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
