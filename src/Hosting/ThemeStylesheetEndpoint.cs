using ChoriaDashboard.Components.Layout;
using Microsoft.Net.Http.Headers;

namespace ChoriaDashboard.Hosting;

/// <summary>
/// Serves <see cref="ThemeStylesheet"/> at <see cref="ThemeStylesheet.Path"/>. The page links it with its version
/// (<c>?v=</c>, a hash of the text), so a versioned request is cached for a year as immutable; any other is revalidated by
/// its ETag (the same hash), answered 304 while the palettes have not changed.
/// </summary>
public static class ThemeStylesheetEndpoint
{
    /// <summary>Maps the stylesheet on <paramref name="ui"/>, the UI group; it holds nothing of the fleet.</summary>
    public static IEndpointConventionBuilder MapThemeStylesheet(this IEndpointRouteBuilder ui) =>
        ui.MapGet(ThemeStylesheet.Path, async (HttpContext context, ThemeStylesheet stylesheet) =>
        {
            var css = await stylesheet.GetAsync();
            var etag = new EntityTagHeaderValue($"\"{css.Version}\"");
            var headers = context.Response.GetTypedHeaders();
            headers.ETag = etag;
            headers.CacheControl = context.Request.Query["v"] == css.Version
                ? new CacheControlHeaderValue { Public = true, MaxAge = TimeSpan.FromDays(365), Extensions = { new NameValueHeaderValue("immutable") } }
                : new CacheControlHeaderValue { Public = true, NoCache = true };
            var ifNoneMatch = context.Request.GetTypedHeaders().IfNoneMatch;
            return ifNoneMatch.Any(e => e.Compare(etag, useStrongComparison: false) || e.Equals(EntityTagHeaderValue.Any))
                ? Results.StatusCode(StatusCodes.Status304NotModified)
                : Results.Text(css.Text, "text/css; charset=utf-8");
        });
}
