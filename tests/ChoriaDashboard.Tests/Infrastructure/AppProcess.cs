using System.Diagnostics;

namespace ChoriaDashboard.Tests.Infrastructure;

/// <summary>Runs the built app as its own process, as an operator would start it, and returns how it ended.</summary>
internal static class AppProcess
{
    /// <summary>Starts <c>ChoriaDashboard.dll</c> with <paramref name="environment"/> and waits (at most a minute) for it to exit.</summary>
    /// <returns>The exit code, and standard error followed by standard output.</returns>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ChoriaDashboard.dll"));
        info.ArgumentList.Add("--urls=http://127.0.0.1:0");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
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
}
