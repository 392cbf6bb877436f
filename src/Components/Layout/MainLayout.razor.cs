using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.JSInterop;
using MudBlazor;

namespace ChoriaDashboard.Components.Layout;

/// <summary>
/// The layout: providers, app bar, status, and the theme. The theme choice lives in the browser (localStorage, applied
/// by a script in the page head before the first paint); the server's first render uses the scheme that script last
/// resolved (a cookie), then the interactive layout reads the choice and follows the system's preference when asked to.
/// </summary>
public sealed partial class MainLayout : IAsyncDisposable
{
    private MudThemeProvider? _themeProvider;
    private ThemeMode _mode = ThemeMode.System;
    private bool _isDark = true;
    private bool _systemDark;
    private bool _disposed;
    private bool _themeLoaded;

    /// <summary>The app bar's links: the path under the app's base and its label; "" is the overview.</summary>
    private static readonly (string Href, string Label)[] Sections =
    [
        ("", "Overview"),
        ("nodes", "Nodes"),
        ("checks", "Checks"),
        ("events", "Events"),
        ("webhooks", "Webhooks"),
    ];

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    /// <summary>Only while the server renders the page before the circuit starts.</summary>
    [CascadingParameter]
    private HttpContext? HttpContext { get; set; }

    /// <summary>The scheme the server rendered first, carried into the interactive render so it starts the same.</summary>
    [PersistentState]
    public string? SchemeAtStart { get; set; }

    /// <summary>
    /// Whether the page shown is <paramref name="href"/>'s section: the overview only on its own path, the others on their
    /// path and what is under it (a node's detail is under Nodes), as <c>NavLinkMatch.All</c> and <c>Prefix</c> did.
    /// </summary>
    private bool IsCurrent(string href)
    {
        var path = Navigation.ToBaseRelativePath(Navigation.Uri);
        var end = path.IndexOfAny(['?', '#']);
        path = end < 0 ? path : path[..end];
        return href.Length == 0
            ? path.Length == 0
            : path.Equals(href, StringComparison.OrdinalIgnoreCase) || path.StartsWith(href + "/", StringComparison.OrdinalIgnoreCase);
    }

    protected override void OnInitialized()
    {
        if (HttpContext is not null)
        {
            SchemeAtStart = HttpContext.Request.Cookies[ThemeModes.SchemeCookie];
        }

        // Dark when nothing is known yet: what the dashboard has always shown.
        _isDark = SchemeAtStart != "light";
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || _themeProvider is null)
        {
            return;
        }

        try
        {
            _mode = ThemeModes.Parse(await JS.InvokeAsync<string?>("choriaTheme.get"));
            _systemDark = await _themeProvider.GetSystemDarkModeAsync();
            await _themeProvider.WatchSystemDarkModeAsync(OnSystemDarkModeChangedAsync);
            _themeLoaded = true;
            await ApplyAsync(remember: false);
        }
        catch (JSDisconnectedException)
        {
        }
        catch (TaskCanceledException)
        {
        }
    }

    private Task OnSystemDarkModeChangedAsync(bool dark)
    {
        _systemDark = dark;
        return _mode == ThemeMode.System ? ApplyAsync(remember: false) : Task.CompletedTask;
    }

    /// <summary>
    /// The provider follows the system by itself; the mode in force decides (a picked one wins), so it is put back.
    /// The system's value itself arrives through <see cref="OnSystemDarkModeChangedAsync"/>.
    /// </summary>
    private Task OnProviderDarkModeChangedAsync(bool dark) => dark == _isDark ? Task.CompletedTask : ApplyAsync(remember: false);

    private Task OnModeChangedAsync(ThemeMode mode)
    {
        _mode = mode;
        return ApplyAsync(remember: true);
    }

    private async Task ApplyAsync(bool remember)
    {
        if (_disposed)
        {
            return;
        }

        _isDark = ThemeModes.IsDark(_mode, _systemDark);
        StateHasChanged();
        if (remember)
        {
            await JS.InvokeVoidAsync("choriaTheme.set", ThemeModes.ToStored(_mode), _isDark);
        }
        else
        {
            await JS.InvokeVoidAsync("choriaTheme.apply", _isDark);
        }
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return ValueTask.CompletedTask;
    }
}
