using System.ComponentModel.DataAnnotations;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Ingest;

/// <summary>How to reach the Choria broker and what to subscribe to (section <c>Nats</c>).</summary>
public sealed class NatsOptions
{
    public const string Section = "Nats";

    /// <summary>One URL or a comma-separated list, e.g. <c>nats://broker1:4222,nats://broker2:4222</c>.</summary>
    [Required]
    public string Url { get; set; } = DefaultUrl;

    /// <summary>The default <see cref="Url"/>; left at this, the Choria configuration's middleware hosts are used.</summary>
    public const string DefaultUrl = "nats://127.0.0.1:4222";

    /// <summary>A Choria client configuration to connect as Choria's own clients do; explicit <c>Nats:*</c> settings win.</summary>
    public string? ChoriaConfigFile { get; set; }

    /// <summary>The client name the broker shows for this connection.</summary>
    [Required]
    public string ClientName { get; set; } = "choria-dashboard";

    /// <summary>What the dashboard subscribes to when <see cref="Subjects"/> is not configured.</summary>
    public static readonly string[] DefaultSubjects = [ChoriaSubjects.AllLifecycle, ChoriaSubjects.Transition, ChoriaSubjects.AllWatcherStates];

    /// <summary>Subjects to subscribe to; wildcards allowed. The user needs Choria's <c>events_viewer</c> rights.</summary>
    /// <remarks>Empty here on purpose: configuration binding appends to an initialised array, which would subscribe twice.
    /// <see cref="DefaultSubjects"/> is applied after binding when nothing was configured.</remarks>
    public string[] Subjects { get; set; } = [];

    /// <summary>Optional credentials: a user and password, or a token.</summary>
    public string? User { get; set; }

    public string? Password { get; set; }

    public string? Token { get; set; }

    /// <summary>A file holding an NKey user seed (<c>SU...</c>), for a broker that knows the dashboard by its NKey.</summary>
    public string? NKeySeedFile { get; set; }

    /// <summary>
    /// A NATS credentials file (<c>.creds</c>, as <c>nsc</c> writes it: a user JWT block and a user seed block), for a
    /// broker in NATS operator mode. Checked at start; neither the JWT nor the seed is ever logged or shown.
    /// </summary>
    public string? CredsFile { get; set; }

    /// <summary>TLS and mutual TLS towards the broker.</summary>
    public NatsTlsOptions Tls { get; set; } = new();

    /// <summary>
    /// Messages the client buffers per subscription before it drops (and we count) the newest. A whole fleet
    /// restarting at once arrives faster than it is applied; 262,144 absorbed a storm of 100,000 startups
    /// (docs/benchmarks.md). Costs memory only while a burst is queued, about 500 bytes a message.
    /// </summary>
    [Range(16, 10_000_000)]
    public int PendingMessagesLimit { get; set; } = 262_144;

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait before subscribing again after the broker refused or ended a subscription.</summary>
    public TimeSpan ResubscribeDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A URL (or list) fit for logs and pages: any user and password replaced by <c>***</c>.</summary>
    public static string Redact(string? urls) =>
        string.Join(',', (urls ?? "").Split(',').Select(RedactOne));

    private static string RedactOne(string url)
    {
        var at = url.LastIndexOf('@');
        if (at < 0)
        {
            return url;
        }

        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        return scheme >= 0 && scheme < at ? string.Concat(url.AsSpan(0, scheme + 3), "***", url.AsSpan(at)) : "***" + url[at..];
    }
}
