namespace ChoriaDashboard.Hosting;

/// <summary>
/// The dashboard's endpoint groups, as <see cref="EndpointMapping.MapChoriaDashboard"/> maps them. What applies to a
/// whole group (authorization, a rate limit, an OpenAPI tag) is one line on it, e.g.
/// <c>endpoints.Api.RequireAuthorization("viewer")</c>; every endpoint belongs to exactly one group.
/// </summary>
/// <param name="Api"><c>/api</c>: the JSON endpoints automation reads (<c>/api/fleet</c>); tagged <c>api</c>.</param>
/// <param name="Export"><c>/export</c>: the node list as downloads (<c>/export/nodes.csv</c>, <c>/export/nodes.json</c>); tagged <c>export</c>.</param>
/// <param name="Health">
/// <c>/healthz</c> and <c>/readyz</c>: anonymous whatever else requires sign-in, because probes and load balancers
/// cannot sign in.
/// </param>
/// <param name="Hubs"><c>/hubs</c>: SignalR hubs for other live clients (<c>/hubs/fleet</c>), with the API's authorization.</param>
/// <param name="Ui">The Razor components, the Blazor circuit and the static assets.</param>
/// <param name="Metrics">
/// <c>/metrics</c>: Prometheus' scrape (tally's families and the dashboard's own); anonymous, as Prometheus expects,
/// unless <c>Metrics:RequireApiKey</c>; never rate limited (a scraper calls on a schedule of its own).
/// </param>
public sealed record DashboardEndpoints(RouteGroupBuilder Api, RouteGroupBuilder Export, RouteGroupBuilder Health, RouteGroupBuilder Ui, RouteGroupBuilder Metrics, RouteGroupBuilder Hubs);

/// <summary>
/// Endpoint metadata naming the <see cref="DashboardEndpoints"/> group an endpoint was mapped in, so a test can tell
/// an endpoint mapped outside every group.
/// </summary>
/// <param name="Name">One of <see cref="Api"/>, <see cref="Export"/>, <see cref="Health"/>, <see cref="Ui"/>, <see cref="Metrics"/>, <see cref="Hubs"/>.</param>
public sealed record DashboardEndpointGroup(string Name)
{
    public const string Api = "api";

    public const string Export = "export";

    public const string Health = "health";

    public const string Ui = "ui";

    public const string Metrics = "metrics";

    public const string Hubs = "hubs";
}
