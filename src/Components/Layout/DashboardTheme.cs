using MudBlazor;

namespace ChoriaDashboard.Components.Layout;

/// <summary>
/// The dashboard's light and dark palettes, with a system font stack (no web fonts load offline). State colours are
/// chosen for text contrast (WCAG AA, 4.5:1) on each palette's surface, since chips and counts show them as text.
/// </summary>
public static class DashboardTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fa8",
            Secondary = "#6a3fa0",
            Info = "#0b63a8",
            Success = "#1b6e20",
            Warning = "#9a4b00",
            Error = "#b71c1c",
            AppbarBackground = "#1d3b5c",
            AppbarText = "#ffffff",
            Background = "#f4f6f9",
            Surface = "#ffffff",
            TextPrimary = "#1a1f26",
            TextSecondary = "#4a5563",
            TableLines = "#d9dee5",
            LinesDefault = "#c7ced8",
            Divider = "#d9dee5",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#7fb2ff",
            Info = "#5ab8f5",
            Success = "#5fcf65",
            Warning = "#ffb547",
            Error = "#ff6b6b",
            AppbarBackground = "#1b1f2a",
            Background = "#12151c",
            Surface = "#1c212b",
            TextPrimary = "#e8ebf0",
            TextSecondary = "#aab3c0",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
            },
        },
    };
}
