using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Webhooks;

/// <summary>The webhook event names an endpoint subscribes to, and the CloudEvents <c>type</c> each is posted as.</summary>
public static class WebhookEvents
{
    public const string NodeStarted = "node.started";

    public const string NodeStopped = "node.stopped";

    public const string NodeDied = "node.died";

    public const string NodeReturned = "node.returned";

    public const string NodeUpgraded = "node.upgraded";

    public const string CheckCritical = "check.critical";

    public const string CheckRecovered = "check.recovered";

    /// <summary>The dashboard's view stopped being current (cut off from the broker, missing events).</summary>
    public const string FleetNotCurrent = "fleet.not_current";

    /// <summary>The dashboard's view is current again.</summary>
    public const string FleetCurrent = "fleet.current";

    /// <summary>What a CloudEvents <c>type</c> is made of: this, then the event name (<c>io.choria.dashboard.v1.node.died</c>).</summary>
    public const string TypePrefix = "io.choria.dashboard.v1.";

    /// <summary>Every event name, in the order the documentation lists them.</summary>
    public static readonly IReadOnlyList<string> Names =
        [NodeStarted, NodeStopped, NodeDied, NodeReturned, NodeUpgraded, CheckCritical, CheckRecovered, FleetNotCurrent, FleetCurrent];

    /// <summary>The event name a piece of fleet news is posted as; null for news no webhook carries (governor events).</summary>
    public static string? NameOf(NewsKind kind) => kind switch
    {
        NewsKind.Started => NodeStarted,
        NewsKind.Stopped => NodeStopped,
        NewsKind.Died => NodeDied,
        NewsKind.CameBack => NodeReturned,
        NewsKind.Upgraded => NodeUpgraded,
        NewsKind.CheckCritical => CheckCritical,
        NewsKind.CheckRecovered => CheckRecovered,
        _ => null,
    };
}
