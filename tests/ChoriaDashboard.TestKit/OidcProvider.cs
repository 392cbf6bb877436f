using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;

namespace ChoriaDashboard.TestKit;

/// <summary>
/// A real OpenID provider (npm <c>oidc-provider</c>, <c>tests/oidc-provider/provider.mjs</c>) on plain http on 127.0.0.1
/// and a free port, with one confidential client (authorization code flow, PKCE, <c>client_secret_post</c>). Any login
/// is accepted; the ID token carries <c>name</c> (the login), <c>email</c> and <c>groups</c>. Fails with the command to
/// run when Node.js or the provider's packages are missing: tests never skip silently.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private OidcProvider(Process process, string clientId, string clientSecret)
    {
        _process = process;
        ClientId = clientId;
        ClientSecret = clientSecret;
    }

    /// <summary>The issuer, <c>http://127.0.0.1:&lt;port&gt;</c>: what the app's <c>Authority</c> is set to.</summary>
    public string Authority { get; private set; } = "";

    public string ClientId { get; }

    public string ClientSecret { get; }

    /// <summary>The last lines the provider wrote (its errors), for failure messages.</summary>
    public string Log => string.Join(Environment.NewLine, _log.TakeLast(40));

    /// <summary>
    /// Starts the provider with the client's allowed redirect URIs (the app's <c>/signin-oidc</c>) and post-logout
    /// redirect URIs (the app's <c>/signout-callback-oidc</c>), and the <c>groups</c> claim of each login that has one.
    /// Returns once the discovery document answers.
    /// </summary>
    public static async Task<OidcProvider> StartAsync(
        IEnumerable<string> redirectUris,
        IEnumerable<string> postLogoutRedirectUris,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? groups = null,
        CancellationToken cancellationToken = default)
    {
        var directory = ProviderDirectory();
        var info = new ProcessStartInfo(FindNode())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        var clientId = "choria-dashboard";
        var clientSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        info.ArgumentList.Add(Path.Combine(directory, "provider.mjs"));
        Add(info, "--port", "0");
        Add(info, "--client-id", clientId);
        Add(info, "--client-secret", clientSecret);
        foreach (var uri in redirectUris)
        {
            Add(info, "--redirect-uri", uri);
        }

        foreach (var uri in postLogoutRedirectUris)
        {
            Add(info, "--post-logout-redirect-uri", uri);
        }

        foreach (var (login, loginGroups) in groups ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            foreach (var group in loginGroups)
            {
                Add(info, "--group", $"{login}={group}");
            }
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start node");
        var provider = new OidcProvider(process, clientId, clientSecret);
        try
        {
            await provider.WaitReadyAsync(cancellationToken);
            return provider;
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // it exited in between
            }

            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary><c>tests/oidc-provider</c> of the repository these tests were built from, with its packages installed.</summary>
    public static string ProviderDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ChoriaDashboard.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new InvalidOperationException($"could not find the repository (ChoriaDashboard.sln) above {AppContext.BaseDirectory}");
        }

        var provider = Path.Combine(dir.FullName, "tests", "oidc-provider");
        if (!Directory.Exists(Path.Combine(provider, "node_modules", "oidc-provider")))
        {
            throw new InvalidOperationException(
                "The OpenID provider's npm packages are not installed, and the sign-in tests need them. Run the " +
                $"README's test command (scripts/test.sh installs them), or: npm ci --prefix {provider}");
        }

        return provider;
    }

    public static string FindNode()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("NODE_BIN") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(p => Path.Combine(p, "node")));
        candidates.Add("/usr/bin/node");
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "Node.js is not installed, and the sign-in tests run a real OpenID provider on it. Run the README's " +
                "test command (scripts/test.sh installs it), or: sudo apt-get install -y nodejs npm");
    }

    private static void Add(ProcessStartInfo info, string name, string value)
    {
        info.ArgumentList.Add(name);
        info.ArgumentList.Add(value);
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith("ready ", StringComparison.Ordinal))
            {
                ready.TrySetResult(line["ready ".Length..].Trim());
            }

            Keep(e.Data);
        };
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"the OpenID provider exited with code {_process.ExitCode}: {Log}"));
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        try
        {
            Authority = await ready.Task.WaitAsync(timeout.Token);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            using var discovery = await http.GetAsync(new Uri($"{Authority}/.well-known/openid-configuration"), timeout.Token);
            discovery.EnsureSuccessStatusCode();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the OpenID provider did not answer within {StartTimeout.TotalSeconds:0} s: {Log}");
        }
    }

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
