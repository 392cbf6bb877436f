namespace ChoriaDashboard.Hosting;

/// <summary>
/// <c>ChoriaDashboard --probe URL</c>: GETs the URL and exits 0 on success. The container HEALTHCHECK uses it,
/// because the ASP.NET runtime image has no curl or wget.
/// </summary>
public static class HealthProbe
{
    public static bool IsRequested(string[] args) => args.Length >= 1 && args[0] == "--probe";

    public static async Task<int> RunAsync(string[] args)
    {
        var url = args.Length >= 2 ? args[1] : "http://127.0.0.1:8080/healthz";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri(url));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await Console.Error.WriteLineAsync($"probe {url}: {e.Message}");
            return 1;
        }
    }
}
