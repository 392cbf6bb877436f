using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ChoriaDashboard.Tests.Infrastructure;

/// <summary>
/// A real <c>nats-server</c> on 127.0.0.1 started from a configuration file the test writes (TLS, users, permissions,
/// nkeys): <c>{port}</c> in the text is replaced by a free port. Its log is kept for failure messages.
/// </summary>
public sealed class ConfiguredNatsServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly ConcurrentQueue<string> _log = new();

    private ConfiguredNatsServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    private string ConfigFile => Path.Combine(_directory, "nats-server.conf");

    public int Port { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>What the server logged so far, for assertion messages.</summary>
    public string Log => string.Join(Environment.NewLine, _log);

    public static async Task<ConfiguredNatsServer> StartAsync(string configuration)
    {
        var port = NatsServerFixture.FreePort();
        var directory = Directory.CreateTempSubdirectory("choria-dashboard-nats-conf-").FullName;
        var file = Path.Combine(directory, "nats-server.conf");
        await File.WriteAllTextAsync(file, configuration.Replace("{port}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));

        var info = new ProcessStartInfo(NatsServerFixture.FindBinary())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(file);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start nats-server");
        var server = new ConfiguredNatsServer(process, directory, port);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        await Eventually.TrueAsync(
            async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"nats-server exited with code {process.ExitCode}: {server.Log}");
                }

                using var client = new TcpClient();
                try
                {
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(15),
            $"nats-server to listen on port {port}");
        return server;
    }

    /// <summary>
    /// Rewrites the configuration (same <c>{port}</c>) and has the running server reload it, as an operator granting
    /// rights would; returns once the server logged that the reload is done.
    /// </summary>
    public async Task ReloadAsync(string configuration)
    {
        await File.WriteAllTextAsync(ConfigFile, configuration.Replace("{port}", Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        var reloadsBefore = _log.Count(l => l.Contains("Reloaded server configuration", StringComparison.Ordinal));
        using (var signal = Process.Start(NatsServerFixture.FindBinary(), ["--signal", $"reload={_process.Id}"]))
        {
            await signal.WaitForExitAsync();
        }

        await Eventually.TrueAsync(
            () => Task.FromResult(_log.Count(l => l.Contains("Reloaded server configuration", StringComparison.Ordinal)) > reloadsBefore),
            TimeSpan.FromSeconds(15),
            $"nats-server to reload its configuration: {Log}");
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _log.Enqueue(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
