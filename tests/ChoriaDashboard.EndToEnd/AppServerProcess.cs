using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ChoriaDashboard.Tests.Infrastructure;

namespace ChoriaDashboard.EndToEnd;

/// <summary>
/// The built app as its own process on a fixed port, as an operator runs it, so a test can kill it and start it again
/// on the same address (a deploy or a crash) while a browser stays on the page.
/// </summary>
public sealed class AppServerProcess : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly string _listenAddress;
    private readonly string _hostName;
    private Process? _process;

    /// <param name="listenAddress">The loopback address the app listens on.</param>
    /// <param name="hostName">The name the browser reaches it by (e.g. <see cref="BrowserFixture.PlainHttpHost"/>, a plain-http site that is not loopback); default the address.</param>
    public AppServerProcess(IReadOnlyDictionary<string, string> settings, string listenAddress = "127.0.0.1", string? hostName = null)
    {
        _settings = settings;
        _listenAddress = listenAddress;
        _hostName = hostName ?? listenAddress;
        Port = NatsServerFixture.FreePort();
    }

    public int Port { get; }

    public Uri Address => new($"http://{_hostName}:{Port}");

    private Uri ListenAddress => new($"http://{_listenAddress}:{Port}");

    /// <summary>The last lines the app wrote, for failure messages.</summary>
    public string Log => string.Join(Environment.NewLine, _log.TakeLast(40));

    /// <summary>Starts the app and waits until <c>/healthz</c> answers.</summary>
    public async Task StartAsync()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ChoriaDashboard.dll"));
        info.ArgumentList.Add($"--urls=http://{_listenAddress}:{Port.ToString(CultureInfo.InvariantCulture)}");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        // Tests of what the app shows run open; tests of sign-in set their own mode.
        info.Environment["Auth__Mode"] = "Unsecured";
        foreach (var (key, value) in _settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start the app");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = ListenAddress, Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.TrueAsync(
            async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"the app exited with code {_process.ExitCode}: {Log}");
                }

                try
                {
                    return (await http.GetAsync("/healthz")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
                catch (TaskCanceledException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(60),
            "the app to answer /healthz");
    }

    /// <summary>Kills the app, as a crash or a deploy would end it.</summary>
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

    public async ValueTask DisposeAsync() => await StopAsync();

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        while (_log.Count > 200 && _log.TryDequeue(out _))
        {
        }
    }
}
