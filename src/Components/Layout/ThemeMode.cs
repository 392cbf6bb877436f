namespace ChoriaDashboard.Components.Layout;

/// <summary>The theme a person picked in the app bar: follow the system's light or dark preference, or always one of them.</summary>
public enum ThemeMode
{
    System,
    Light,
    Dark,
}

/// <summary>
/// How a picked <see cref="ThemeMode"/> is stored in the browser (localStorage key <c>choria-theme</c>, written by
/// <c>wwwroot/theme.js</c>, which the page head loads) and resolved to dark or light.
/// </summary>
public static class ThemeModes
{
    /// <summary>The cookie the page-head script sets to the resolved scheme (<c>dark</c>, <c>light</c>), so the server's first render matches.</summary>
    public const string SchemeCookie = "choria-scheme";

    /// <summary>What is stored for a mode: <c>system</c>, <c>light</c>, <c>dark</c>.</summary>
    public static string ToStored(ThemeMode mode) => mode.ToString().ToLowerInvariant();

    /// <summary>A stored value back; anything else (nothing stored, a hand-edited value) follows the system.</summary>
    public static ThemeMode Parse(string? stored) => stored switch
    {
        "light" => ThemeMode.Light,
        "dark" => ThemeMode.Dark,
        _ => ThemeMode.System,
    };

    /// <summary>Whether to show the dark palette.</summary>
    public static bool IsDark(ThemeMode mode, bool systemPrefersDark) => mode switch
    {
        ThemeMode.Dark => true,
        ThemeMode.Light => false,
        _ => systemPrefersDark,
    };
}
