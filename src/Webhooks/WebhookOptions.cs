using System.ComponentModel.DataAnnotations;

namespace ChoriaDashboard.Webhooks;

/// <summary>Signed webhooks out: where the fleet's live news is posted, and what delivery may cost at most (section <c>Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>The receivers; none by default (nothing is posted).</summary>
    public List<WebhookEndpointOptions> Endpoints { get; set; } = [];

    /// <summary>
    /// Deliveries waiting per endpoint at most; a full queue drops its oldest delivery and counts it. With about 1 KB a
    /// delivery (shared by every endpoint that takes it), this bounds the memory a dead endpoint can hold.
    /// </summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Attempts per delivery, the first included; a delivery that fails them all is given up and counted.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The first retry's delay; each next one doubles, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest delay between two attempts (also caps a receiver's <c>Retry-After</c>).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one attempt may take, connecting included: an endpoint that never answers fails the attempt then.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The CloudEvents <c>source</c> of every delivery (a URI reference): which dashboard tells.</summary>
    public string Source { get; set; } = "/choria-dashboard";
}

/// <summary>One receiver of webhooks (an item of <c>Webhooks:Endpoints</c>).</summary>
public sealed class WebhookEndpointOptions
{
    /// <summary>
    /// Where deliveries are posted: an absolute http or https URL. User information in it (<c>https://user:password@host/</c>)
    /// is sent as HTTP Basic authentication; the page and the API show the URL without it and without its query.
    /// </summary>
    public string Url { get; set; } = "";

    /// <summary>
    /// The Standard Webhooks signing secret, <c>whsec_</c> followed by base64 (at least 16 bytes): the receiver verifies each
    /// delivery's <c>webhook-signature</c> with it. Never shown nor logged.
    /// </summary>
    public string Secret { get; set; } = "";

    /// <summary>The news this endpoint gets, by event name (<see cref="WebhookEvents.Names"/>): at least one.</summary>
    public string[] Events { get; set; } = [];

    /// <summary>Only news of nodes of these components (a check: of an identity running one of them); empty for every component. Fleet news always passes.</summary>
    public string[] Components { get; set; } = [];
}
