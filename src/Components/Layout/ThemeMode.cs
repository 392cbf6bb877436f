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
/// <c>wwwroot/theme.js</c>, which the page head loads, resolves it to dark or light and follows the system).
/// </summary>
public static class ThemeModes
{
    /// <summary>What is stored for a mode: <c>system</c>, <c>light</c>, <c>dark</c>.</summary>
    public static string ToStored(ThemeMode mode) => mode.ToString().ToLowerInvariant();

    /// <summary>A stored value back; anything else (nothing stored, a hand-edited value) follows the system.</summary>
    public static ThemeMode Parse(string? stored) => stored switch
    {
        "light" => ThemeMode.Light,
        "dark" => ThemeMode.Dark,
        _ => ThemeMode.System,
    };
}
