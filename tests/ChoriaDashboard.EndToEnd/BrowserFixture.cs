using Microsoft.Playwright;
using Xunit;

namespace ChoriaDashboard.EndToEnd;

/// <summary>
/// Debian's Chromium driven by Playwright (its driver ships in the NuGet package; no browser download). Fails with
/// the install command when Chromium is missing: browser tests never skip silently.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>
    /// A host name Chromium resolves to <see cref="PlainHttpHostAddress"/>: a plain-http origin that is not loopback (so
    /// not a secure context, as an operator's http deployment) and another site than 127.0.0.1.
    /// </summary>
    public const string PlainHttpHost = "dashboard.test";
    public const string PlainHttpHostAddress = "127.0.0.2";

    private static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        $"--host-resolver-rules=MAP {PlainHttpHost} {PlainHttpHostAddress}",
    ];

    private IPlaywright? _playwright;
    private string? _profileDir;

    public IBrowserContext Context { get; private set; } = default!;

    public static string FindChromium()
    {
        var candidates = new[]
        {
            Environment.GetEnvironmentVariable("CHROMIUM_PATH"),
            "/usr/lib/chromium/chromium",
            "/usr/bin/chromium",
            "/usr/bin/chromium-browser",
        };
        return candidates.FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p))
            ?? throw new InvalidOperationException(
                "Chromium is not installed, and the browser tests need it. Run the README's test command " +
                "(scripts/test.sh installs it), or: sudo apt-get install -y chromium");
    }

    public async Task InitializeAsync()
    {
        var executable = FindChromium();
        _playwright = await Playwright.CreateAsync();
        _profileDir = Directory.CreateTempSubdirectory("choria-dashboard-chromium-").FullName;
        Context = await _playwright.Chromium.LaunchPersistentContextAsync(_profileDir, new()
        {
            ExecutablePath = executable,
            Headless = true,
            Args = Args,
            ViewportSize = new() { Width = 1400, Height = 900 },
        });
    }

    public async Task DisposeAsync()
    {
        if (Context is not null)
        {
            await Context.CloseAsync();
        }

        _playwright?.Dispose();
        if (_profileDir is not null)
        {
            try
            {
                Directory.Delete(_profileDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

/// <summary>Browser tests share one Chromium and one nats-server.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>, ICollectionFixture<ChoriaDashboard.Tests.Infrastructure.NatsServerFixture>
{
    public const string Name = "browser";
}
