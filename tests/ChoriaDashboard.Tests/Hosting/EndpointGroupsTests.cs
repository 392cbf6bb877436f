using System.Net;
using System.Text.RegularExpressions;
using ChoriaDashboard.Hosting;
using ChoriaDashboard.Hosting.Security;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting;

/// <summary>
/// The endpoints as the real app maps them: each in exactly one group of <see cref="DashboardEndpoints"/>, so that what
/// a group gets (authorization, a rate limit, a tag) reaches every endpoint in it and no endpoint escapes.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class EndpointGroupsTests(NatsServerFixture nats)
{
    private static readonly string[] Groups = [DashboardEndpointGroup.Api, DashboardEndpointGroup.Export, DashboardEndpointGroup.Health, DashboardEndpointGroup.Ui, DashboardEndpointGroup.Metrics, DashboardEndpointGroup.Hubs];

    [Fact]
    public async Task MappedEndpoints_Each_BelongsToExactlyOneKnownGroup()
    {
        await using var app = new DashboardFactory(nats.Url);

        var endpoints = Endpoints(app);

        // A flat MapGet outside the groups (or one mapped in two) lands here.
        var stray = endpoints.Where(e => e.Metadata.GetOrderedMetadata<DashboardEndpointGroup>().Count != 1 || !Groups.Contains(GroupOf(e)))
            .Select(e => e.DisplayName).ToList();
        Assert.True(stray.Count == 0, $"outside exactly one group: {string.Join(", ", stray)}");
        Assert.All(Groups, g => Assert.Contains(endpoints, e => GroupOf(e) == g));
    }

    [Fact]
    public async Task NonUiGroups_Paths_AreTheDocumentedOnes()
    {
        await using var app = new DashboardFactory(nats.Url);

        var paths = Endpoints(app).Where(e => GroupOf(e) != DashboardEndpointGroup.Ui)
            .Select(e => $"{GroupOf(e)} {((RouteEndpoint)e).RoutePattern.RawText}").Order(StringComparer.Ordinal);

        Assert.Equal(
            [
                "api /api/checks", "api /api/components/{component}/versions", "api /api/events", "api /api/fleet", "api /api/nodes",
                "api /api/nodes/{identity}", "api /api/webhooks", "api /openapi/{documentName}.json",
                "export /export/nodes.csv", "export /export/nodes.json", "health /healthz", "health /readyz", "hubs /hubs/fleet", "hubs /hubs/fleet/negotiate", "metrics /metrics",
            ],
            paths);
    }

    [Fact]
    public async Task HealthEndpoints_Metadata_AllowAnonymous()
    {
        await using var app = new DashboardFactory(nats.Url);

        var endpoints = Endpoints(app);

        var health = endpoints.Where(e => GroupOf(e) == DashboardEndpointGroup.Health).ToList();
        Assert.Equal(2, health.Count);
        Assert.All(health, e => Assert.NotNull(e.Metadata.GetMetadata<IAllowAnonymous>()));
        // Only the probes (and /metrics, unless Metrics:RequireApiKey) are anonymous by design; anything else would escape a later sign-in.
        Assert.All(endpoints.Where(e => GroupOf(e) == DashboardEndpointGroup.Metrics), e => Assert.NotNull(e.Metadata.GetMetadata<IAllowAnonymous>()));
        Assert.All(endpoints.Where(e => GroupOf(e) is DashboardEndpointGroup.Api or DashboardEndpointGroup.Export or DashboardEndpointGroup.Hubs), e => Assert.Null(e.Metadata.GetMetadata<IAllowAnonymous>()));
    }

    [Fact]
    public async Task ApiAndExportEndpoints_Metadata_CarryTheirGroupTag()
    {
        await using var app = new DashboardFactory(nats.Url);

        var endpoints = Endpoints(app);

        Assert.All(
            endpoints.Where(e => GroupOf(e) is DashboardEndpointGroup.Api or DashboardEndpointGroup.Export),
            e => Assert.Equal([GroupOf(e)], e.Metadata.GetOrderedMetadata<ITagsMetadata>().SelectMany(t => t.Tags)));
    }

    [Fact]
    public async Task ApiAndExportEndpoints_Metadata_CarryTheirGroupsRateLimitOnly()
    {
        await using var app = new DashboardFactory(nats.Url);

        var endpoints = Endpoints(app);

        Assert.All(endpoints, e => Assert.Equal(
            GroupOf(e) switch
            {
                DashboardEndpointGroup.Api => RateLimits.Api,
                DashboardEndpointGroup.Export => RateLimits.Export,
                _ => null,
            },
            e.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName));
    }

    [Fact]
    public async Task Healthz_Get_Answers200()
    {
        await using var app = new DashboardFactory(nats.Url);
        using var http = app.CreateClient();

        using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ExportNodesCsv_Get_AnswersCsvWithItsHeader()
    {
        await using var app = new DashboardFactory(nats.Url);
        using var http = app.CreateClient();

        using var response = await http.GetAsync(new Uri("/export/nodes.csv", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("identity,component,version,upgradingTo,state,lastSeen,lastEvent,firstSeen", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UiGroup_HomePage_LinksFingerprintedStylesheetThatAnswers()
    {
        await using var app = new DashboardFactory(nats.Url);
        using var http = app.CreateClient();

        var page = await http.GetStringAsync(new Uri("/", UriKind.Relative));

        // Razor components find the static assets only when both are mapped together: then app.css has its fingerprint.
        var stylesheet = Regex.Match(page, @"href=""(app\.[a-z0-9]+\.css)""");
        Assert.True(stylesheet.Success, "app.css is linked without its fingerprint");
        using var css = await http.GetAsync(new Uri("/" + stylesheet.Groups[1].Value, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        using var script = await http.GetAsync(new Uri("/_framework/blazor.web.js", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    private static List<Endpoint> Endpoints(DashboardFactory app) =>
        [.. app.Services.GetRequiredService<EndpointDataSource>().Endpoints];

    private static string? GroupOf(Endpoint endpoint) => endpoint.Metadata.GetMetadata<DashboardEndpointGroup>()?.Name;
}
