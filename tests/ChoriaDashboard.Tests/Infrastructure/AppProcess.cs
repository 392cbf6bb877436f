using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace ChoriaDashboard.Tests.Infrastructure;

/// <summary>Runs the built app as its own process, as an operator would start it, and returns how it ended.</summary>
internal static class AppProcess
{
    /// <summary>Starts <c>ChoriaDashboard.dll</c> with <paramref name="environment"/> and waits (at most a minute) for it to exit.</summary>
    /// <returns>The exit code, and standard error followed by standard output.</returns>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(IReadOnlyDictionary<string, string> environment)
    {
        using var process = Process.Start(StartInfo(environment, "http://127.0.0.1:0"))!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the app did not exit within a minute");
        }

        return (process.ExitCode, await stderr + await stdout);
    }

    /// <summary>
    /// Starts <c>ChoriaDashboard.dll</c> with <paramref name="environment"/> on a free loopback port and returns at once;
    /// wait for it with <see cref="RunningApp.WaitReadyAsync"/>. Its output is kept (both streams, interleaved as they
    /// arrive) for the assertions' evidence.
    /// </summary>
    public static RunningApp Start(IReadOnlyDictionary<string, string> environment)
    {
        var port = NatsServerFixture.FreePort();
        var address = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        var process = Process.Start(StartInfo(environment, address.ToString().TrimEnd('/')))!;
        return new RunningApp(process, address);
    }

    private static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> environment, string urls)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ChoriaDashboard.dll"));
        info.ArgumentList.Add($"--urls={urls}");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }
}

/// <summary>
/// The app running as its own process (<see cref="AppProcess.Start"/>): its address, its output so far, and the signal an
/// orchestrator sends to stop it (SIGTERM, as <c>docker stop</c> and Kubernetes do; <see cref="Process.Kill()"/> would be
/// SIGKILL). Disposing kills it by its PID if it still runs.
/// </summary>
internal sealed class RunningApp : IAsyncDisposable
{
    private const int Sigterm = 15;
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    internal RunningApp(Process process, Uri address)
    {
        _process = process;
        Address = address;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Where the app listens, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri Address { get; }

    public int Pid => _process.Id;

    /// <summary>Everything the app wrote to standard output and error so far, one line each.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Waits until <c>/readyz</c> answers 200 (broker connected, subscribed); throws with the output if the app exits first.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.TrueAsync(
            async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"the app exited with code {_process.ExitCode} before it was ready:\n{Output}");
                }

                try
                {
                    using var response = await http.GetAsync(new Uri("readyz", UriKind.Relative));
                    return response.IsSuccessStatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            },
            timeout,
            $"the app at {Address} to be ready");
    }

    /// <summary>Sends SIGTERM, the polite stop.</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, Sigterm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Waits for the process to exit; returns its exit code, or null if it still runs after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        // The parameterless wait returns once the output streams have been read to their end too.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    // libc's kill(2): .NET has no way to send a process anything but SIGKILL.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
