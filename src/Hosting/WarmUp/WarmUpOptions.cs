namespace ChoriaDashboard.Hosting.WarmUp;

/// <summary>
/// The warm-up at start (section <c>Hosting:WarmUp</c>): the pages people open first are rendered once in-process, before
/// <c>/readyz</c> answers ready, so the first request after a deploy does not pay for compiling them.
/// </summary>
public sealed class WarmUpOptions
{
    public const string Section = "Hosting:WarmUp";

    /// <summary>The pages warmed when <see cref="Paths"/> is empty: the overview, the node list, the wallboard, checks, events, a node's detail.</summary>
    public static readonly string[] DefaultPaths = ["/", "/nodes", "/wall", "/checks", "/events", "/nodes/warm-up.invalid"];

    /// <summary>Off: <c>/readyz</c> answers on the broker alone and nothing is rendered before the first request.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The longest the warm-up may hold readiness back (1 s to 10 min). Past it the warm-up is logged as a warning and
    /// <c>/readyz</c> answers on the broker alone.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Pages to render, each a local path with an optional query (<c>/nodes?state=dead</c>), at most 32; none of the
    /// machines' paths (<c>/api</c>, <c>/export</c>, <c>/hubs</c>, <c>/metrics</c>, <c>/openapi</c>) nor <c>/_blazor</c>.
    /// Empty: <see cref="DefaultPaths"/>.
    /// </summary>
    public string[] Paths { get; set; } = [];
}
