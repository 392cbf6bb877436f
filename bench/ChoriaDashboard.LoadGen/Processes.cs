using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ChoriaDashboard.LoadGen;

/// <summary>A child process the runner started: stopped by its own PID, never by name, and always on the way out.</summary>
internal sealed class Child : IAsyncDisposable
{
    private static readonly List<Child> Running = [];
    private readonly Process _process;
    private readonly StreamWriter? _log;

    private Child(Process process, StreamWriter? log)
    {
        _process = process;
        _log = log;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once the process has exited; null while it runs.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Sends SIGTERM, the polite stop an orchestrator sends (<c>docker stop</c>, Kubernetes).</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, Sigterm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Waits for the process to exit; its exit code, or null if it still runs after <paramref name="timeout"/>.</summary>
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

        return _process.ExitCode;
    }

    private const int Sigterm = 15;

    // libc's kill(2): Process.Kill sends SIGKILL only.
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);

    public static Child Start(string file, IEnumerable<string> args, string? workingDirectory, IDictionary<string, string>? env, string? logPath)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var log = logPath is null ? null : new StreamWriter(logPath, append: false) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var child = new Child(process, log);
        lock (Running)
        {
            Running.Add(child);
        }

        process.OutputDataReceived += (_, e) => child.Write(e.Data);
        process.ErrorDataReceived += (_, e) => child.Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private void Write(string? line)
    {
        if (line is null || _log is null)
        {
            return;
        }

        lock (_log)
        {
            _log.WriteLine(line);
        }
    }

    /// <summary>Last resort on the way out (a run that timed out): kills every child still running, each by its PID.</summary>
    public static void KillAll()
    {
        Child[] children;
        lock (Running)
        {
            children = [.. Running];
        }

        foreach (var child in children)
        {
            try
            {
                if (!child._process.HasExited)
                {
                    child._process.Kill(entireProcessTree: true);
                }
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (Running)
        {
            Running.Remove(this);
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(cts.Token);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
        }

        _process.Dispose();
        if (_log is not null)
        {
            lock (_log)
            {
                _log.Dispose();
            }
        }
    }
}

/// <summary>Reads a process's memory and CPU from /proc (Linux).</summary>
internal static class ProcStats
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux x86-64

    /// <summary>Resident set size in bytes (VmRSS), and its peak (VmHWM).</summary>
    public static (long Rss, long Peak) Memory(int pid)
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = KiB(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = KiB(line);
            }
        }

        return (rss, peak);
    }

    /// <summary>User plus system CPU time the process has used.</summary>
    public static TimeSpan Cpu(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "pid (comm) ": state is field 3, utime field 14, stime field 15.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / ClockTicksPerSecond);
    }

    private static long KiB(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}

/// <summary>CPU used by a process over a stretch of wall time, in cores (1.0 = one core busy).</summary>
internal sealed class CpuWindow
{
    private readonly int _pid;
    private readonly TimeSpan _cpu;
    private readonly Stopwatch _wall = Stopwatch.StartNew();

    public CpuWindow(int pid)
    {
        _pid = pid;
        _cpu = ProcStats.Cpu(pid);
    }

    public double Cores => (ProcStats.Cpu(_pid) - _cpu).TotalSeconds / _wall.Elapsed.TotalSeconds;

    public TimeSpan CpuUsed => ProcStats.Cpu(_pid) - _cpu;
}

internal static class Net
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task WaitForPortAsync(int port, TimeSpan timeout, Child process, string what)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{what} exited before it listened on port {port}");
            }

            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"{what} did not listen on port {port} within {timeout.TotalSeconds:0} s");
    }

    public static string FindNatsServer()
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
            ?? throw new InvalidOperationException("nats-server is not installed: sudo apt-get install -y nats-server");
    }

    public static string FindChromium()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("CHROMIUM_PATH"), "/usr/lib/chromium/chromium", "/usr/bin/chromium" };
        return candidates.FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p))
            ?? throw new InvalidOperationException("Chromium is not installed: sudo apt-get install -y chromium");
    }
}

/// <summary>One reading of <c>GET /api/fleet</c>.</summary>
internal readonly record struct FleetReading(long Nodes, long Accepted, long Rejected, long Dropped, long FleetFull, int QueueLength, string NatsState)
{
    /// <summary>Every message the app has dealt with, one way or another.</summary>
    public long Processed => Accepted + Rejected;
}

/// <summary>Polls <c>/api/fleet</c> in the background, so waits and windows read a recent value without a request each.</summary>
internal sealed class FleetPoller : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _loop;
    private FleetReading _last;
    private long _readings;

    public FleetPoller(Uri app, TimeSpan interval)
    {
        _http = new HttpClient { BaseAddress = app, Timeout = TimeSpan.FromSeconds(10) };
        _loop = Task.Run(() => LoopAsync(interval));
    }

    public FleetReading Last
    {
        get
        {
            lock (_cts)
            {
                return _last;
            }
        }
    }

    public long Readings => Interlocked.Read(ref _readings);

    public async Task<FleetReading> ReadAsync(CancellationToken ct = default)
    {
        using var response = await _http.GetAsync(new Uri("api/fleet", UriKind.Relative), ct);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        var root = doc.RootElement;
        var ingest = root.GetProperty("ingest");
        var reasons = ingest.GetProperty("rejectedByReason");
        long Reason(string name) => reasons.TryGetProperty(name, out var v) ? v.GetInt64() : 0;
        return new FleetReading(
            root.GetProperty("totals").GetProperty("nodes").GetInt64(),
            ingest.GetProperty("accepted").GetInt64(),
            ingest.GetProperty("rejected").GetInt64(),
            Reason("dropped"),
            Reason("fleetFull"),
            ingest.GetProperty("queueLength").GetInt32(),
            root.GetProperty("nats").GetProperty("state").GetString() ?? "");
    }

    private async Task LoopAsync(TimeSpan interval)
    {
        while (!_cts.IsCancellationRequested)
        {
            try
            {
                var reading = await ReadAsync(_cts.Token);
                lock (_cts)
                {
                    _last = reading;
                }

                Interlocked.Increment(ref _readings);
                await Task.Delay(interval, _cts.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(interval);
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds for a fresh reading; returns it, or null after <paramref name="timeout"/>.</summary>
    public async Task<(FleetReading Reading, TimeSpan Waited)?> WaitAsync(Func<FleetReading, bool> condition, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        var seen = Readings;
        while (sw.Elapsed < timeout)
        {
            if (Readings != seen)
            {
                var reading = Last;
                if (condition(reading))
                {
                    return (reading, sw.Elapsed);
                }

                seen = Readings;
            }

            await Task.Delay(2);
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _http.Dispose();
        _cts.Dispose();
    }
}
