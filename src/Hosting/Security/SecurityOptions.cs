using System.ComponentModel.DataAnnotations;

namespace ChoriaDashboard.Hosting.Security;

/// <summary>The hardened surface (section <c>Security</c>): who may frame the pages, which origins may connect, the limits per client.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>
    /// The Content-Security-Policy <c>frame-ancestors</c> sources: who may show the pages in a frame (a wallboard in an
    /// intranet portal). Space-separated CSP sources: <c>'self'</c>, <c>'none'</c>, <c>https://portal.example.com</c>.
    /// </summary>
    public string FrameAncestors { get; set; } = "'self'";

    /// <summary>
    /// Further origins (<c>https://dashboard.example.com</c>) a browser may open a circuit or a hub connection from,
    /// besides the request's own host: for a proxy that does not pass the browser's <c>Host</c> through.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Requests per minute to <c>/api</c> per client (its signed-in name, else its address); beyond, 429.</summary>
    [Range(1, 1_000_000)]
    public int ApiRequestsPerMinute { get; set; } = 600;

    /// <summary>Exports (<c>/export</c>) running at once, whoever asks: each walks and writes the whole filtered fleet.</summary>
    [Range(1, 64)]
    public int ConcurrentExports { get; set; } = 1;

    /// <summary>Exports waiting for one running to finish; beyond, 429.</summary>
    [Range(0, 1000)]
    public int ExportQueueLength { get; set; } = 4;

    /// <summary>Open circuits (browser tabs) per client (its signed-in name, else its address); beyond, 429.</summary>
    [Range(1, 100_000)]
    public int MaxCircuitsPerClient { get; set; } = 16;

    /// <summary>Open live hub connections (<c>/hubs/fleet</c>) per client, as for circuits; beyond, 429.</summary>
    [Range(1, 100_000)]
    public int MaxHubConnectionsPerClient { get; set; } = 16;

    /// <summary>At most one log line per kind of refusal per interval, with the number refused meanwhile; the rest are counted.</summary>
    public TimeSpan RefusalLogInterval { get; set; } = TimeSpan.FromMinutes(1);
}
