using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace ChoriaDashboard.Components.Layout;

/// <summary>
/// The layout: the popover provider, the app bar and status. The theme lives in the browser: <c>wwwroot/theme.js</c>
/// applies the remembered choice (or the system's preference, followed as it changes) before the first paint and on a
/// click of the switch, and <c>/theme.css</c> holds both palettes; the layout only reads the choice, to show it pressed.
/// </summary>
public sealed partial class MainLayout
{
    private ThemeMode _mode = ThemeMode.System;
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

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        try
        {
            _mode = ThemeModes.Parse(await JS.InvokeAsync<string?>("choriaTheme.get"));
            _themeLoaded = true;
            StateHasChanged();
        }
        catch (JSDisconnectedException)
        {
        }
        catch (TaskCanceledException)
        {
        }
    }

    /// <summary>The browser has applied and stored <paramref name="mode"/> (theme.js); shown pressed from now on.</summary>
    private void OnModeChanged(ThemeMode mode) => _mode = mode;
}
