using MudBlazor;

namespace ChoriaDashboard.Components.Layout;

/// <summary>A dark theme for screens on a wall, with a system font stack (no web fonts load offline).</summary>
public static class DashboardTheme
{
    public static readonly MudTheme Theme = new()
    {
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
            },
        },
    };
}
