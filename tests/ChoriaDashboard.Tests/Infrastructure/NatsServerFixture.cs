using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace ChoriaDashboard.Tests.Infrastructure;

/// <summary>
/// A real <c>nats-server</c> on 127.0.0.1 and a free port, for the tests of one collection. Fails loudly, with the
/// command that installs it, when the binary is missing: integration tests never skip silently.
/// </summary>
public sealed class NatsServerFixture : IAsyncLifetime
{
    private Process? _process;
    private string? _storeDir;

    public int Port { get; private set; }

    public string Url => $"nats://127.0.0.1:{Port}";

    public static string FindBinary()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("NATS_SERVER_BIN") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(p => Path.Combine(p, "nats-server")));
        candidates.Add("/usr/sbin/nats-server");
        candidates.Add("/usr/bin/nats-server");
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "nats-server is not installed, and the integration tests need a real one. " +
                "Run the README's test command (scripts/test.sh installs it), or: sudo apt-get install -y nats-server");
    }

    public async Task InitializeAsync()
    {
        Port = FreePort();
        _storeDir = Directory.CreateTempSubdirectory("choria-dashboard-nats-").FullName;
        await StartAsync();
    }

    /// <summary>Stops the server (as a broker restart or crash would), keeping the port for <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async Task StartAsync()
    {
        var info = new ProcessStartInfo(FindBinary())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-js", "-sd", _storeDir! })
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start nats-server");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        await Eventually.TrueAsync(
            async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"nats-server exited with code {_process.ExitCode}");
                }

                using var client = new TcpClient();
                try
                {
                    await client.ConnectAsync(IPAddress.Loopback, Port);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(15),
            $"nats-server to listen on port {Port}");
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        if (_storeDir is not null)
        {
            try
            {
                Directory.Delete(_storeDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Tests that share one nats-server.</summary>
[CollectionDefinition(Name)]
public sealed class NatsCollection : ICollectionFixture<NatsServerFixture>
{
    public const string Name = "nats";
}
