using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChoriaDashboard.Hosting;
using ChoriaDashboard.Tests.Infrastructure;
using Json.Schema;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Xunit;

namespace ChoriaDashboard.Tests.Api;

/// <summary>
/// The OpenAPI document the real app serves at <c>/openapi/v1.json</c>: valid against the official OpenAPI 3.1 JSON
/// Schema, read without errors by Microsoft.OpenApi, and describing every <c>/api</c> route with its parameters, its
/// problem answers and the API-key scheme.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class OpenApiDocumentTests(NatsServerFixture nats)
{
    private static readonly string[] ListOperations = ["GetNodes", "GetChecks", "GetEvents"];

    [Fact]
    public async Task Document_AgainstTheOfficialOpenApiSchema_IsValid()
    {
        var text = await GetDocumentAsync();
        var schema = JsonSchema.FromText(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Api", "OpenApi", "oas-3.1-schema.json")));
        using var document = JsonDocument.Parse(text);

        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
        Assert.True(result.IsValid, string.Join("\n", errors));
        Assert.StartsWith("3.1.", document.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OfficialSchema_TheDocumentWithoutInfo_IsRefused()
    {
        var document = JsonNode.Parse(await GetDocumentAsync())!.AsObject();
        document.Remove("info");
        var schema = JsonSchema.FromText(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Api", "OpenApi", "oas-3.1-schema.json")));

        using var broken = JsonDocument.Parse(document.ToJsonString());

        // The validation above can fail: the schema is enforced, not merely loaded.
        Assert.False(schema.Evaluate(broken.RootElement).IsValid);
    }

    [Fact]
    public async Task Document_ReadByMicrosoftOpenApi_LoadsWithoutErrorsOrRuleViolations()
    {
        var text = await GetDocumentAsync();

        var read = OpenApiDocument.Parse(text, "json");

        Assert.NotNull(read.Document);
        Assert.True(read.Diagnostic is null || read.Diagnostic.Errors.Count == 0, string.Join("; ", read.Diagnostic?.Errors.Select(e => $"{e.Pointer}: {e.Message}") ?? []));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, read.Diagnostic?.SpecificationVersion);
        var violations = read.Document!.Validate(Microsoft.OpenApi.ValidationRuleSet.GetDefaultRuleSet());
        Assert.True(violations is null || !violations.Any(), string.Join("; ", violations?.Select(v => $"{v.Pointer}: {v.Message}") ?? []));
    }

    [Fact]
    public async Task Document_EveryApiRoute_IsDescribedWithItsParameters()
    {
        await using var app = new DashboardFactory(nats.Url);
        using var http = app.CreateClient();
        var document = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!;

        // Every endpoint mapped under /api, as the router knows them.
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal)
                && e.Metadata.GetMetadata<DashboardEndpointGroup>()?.Name == DashboardEndpointGroup.Api)
            .Select(e => e.RoutePattern.RawText!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            ["/api/checks", "/api/components/{component}/versions", "/api/events", "/api/fleet", "/api/nodes", "/api/nodes/{identity}", "/api/webhooks"],
            routes);
        Assert.Equal(routes, document["paths"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));

        // Each with the parameters the handler reads, where it reads them.
        var descriptions = app.Services.GetRequiredService<IApiDescriptionGroupCollectionProvider>().ApiDescriptionGroups.Items.SelectMany(g => g.Items)
            .Where(d => d.RelativePath!.StartsWith("api/", StringComparison.Ordinal));
        foreach (var description in descriptions)
        {
            var operation = document["paths"]!["/" + description.RelativePath]!["get"]!;
            var described = (operation["parameters"]?.AsArray() ?? []).Select(p => (p!["name"]!.GetValue<string>(), p["in"]!.GetValue<string>())).ToList();
            var expected = description.ParameterDescriptions.Where(p => p.Source.Id is "Query" or "Path").Select(p => (p.Name, p.Source.Id.ToLowerInvariant())).ToList();
            Assert.Equal(expected.Order(), described.Order());
        }

        var nodes = Parameters(document, "/api/nodes");
        Assert.Equal(["q", "component", "state", "version", "outdated", "sort", "desc", "offset", "limit"], nodes.Keys);
        Assert.Equal(["live", "stale", "dead", "stopped"], nodes["state"]["schema"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["identity", "component", "version", "state", "lastseen"], nodes["sort"]["schema"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(("integer", 1, 1000, 100), Number(nodes["limit"]));
        Assert.Equal("boolean", nodes["outdated"]["schema"]!["type"]!.GetValue<string>());
        Assert.Equal("path", Parameters(document, "/api/nodes/{identity}")["identity"]["in"]!.GetValue<string>());
        Assert.Equal(["status", "check", "identity", "offset", "limit"], Parameters(document, "/api/checks").Keys);
        Assert.Equal(["type", "component", "identity", "limit"], Parameters(document, "/api/events").Keys);
    }

    [Fact]
    public async Task Document_Answers_DescribeTheItemsProblemsAndApiKey()
    {
        var document = JsonNode.Parse(await GetDocumentAsync())!;

        var scheme = document["components"]!["securitySchemes"]!["ApiKey"]!;
        Assert.Equal(("apiKey", "header", "x-api-key"), (scheme["type"]!.GetValue<string>(), scheme["in"]!.GetValue<string>(), scheme["name"]!.GetValue<string>()));
        Assert.NotNull(document["security"]![0]!["ApiKey"]);
        foreach (var (path, pathItem) in document["paths"]!.AsObject())
        {
            var operation = pathItem!["get"]!;
            var responses = operation["responses"]!.AsObject();
            Assert.True(responses.ContainsKey("200"), $"{path}: no 200");
            foreach (var status in new[] { "401", "403", "429" }.Concat(ListOperations.Contains(operation["operationId"]!.GetValue<string>()) ? ["400"] : []))
            {
                Assert.True(responses[status]?["content"]?["application/problem+json"] is not null, $"{path}: {status} is not described as a problem");
            }
        }

        Assert.NotNull(document["paths"]!["/api/nodes/{identity}"]!["get"]!["responses"]!["404"]!["content"]!["application/problem+json"]);
        Assert.NotNull(document["paths"]!["/api/components/{component}/versions"]!["get"]!["responses"]!["404"]!["content"]!["application/problem+json"]);
        // The items are the export's record, with enums as the camelCase strings the API writes.
        var item = document["components"]!["schemas"]!["NodeItem"]!["properties"]!.AsObject();
        Assert.Equal(["identity", "component", "version", "upgradingTo", "state", "lastSeen", "lastEvent", "firstSeen", "aliveEvery", "aliveIntervals"], item.Select(p => p.Key));
        Assert.Equal(["live", "stale", "dead", "stopped"], document["components"]!["schemas"]!["NodeState"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task Document_WithHttpIngestEnabled_DescribesPostEventsAndStaysValid()
    {
        var text = await GetDocumentAsync(new Dictionary<string, string?> { ["HttpIngest:Enabled"] = "true" });
        var schema = JsonSchema.FromText(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Api", "OpenApi", "oas-3.1-schema.json")));
        using var parsed = JsonDocument.Parse(text);

        Assert.True(schema.Evaluate(parsed.RootElement).IsValid);
        var post = JsonNode.Parse(text)!["paths"]!["/api/events"]!["post"]!;
        Assert.Equal("PostEvents", post["operationId"]!.GetValue<string>());
        Assert.Equal(["application/cloudevents+json", "application/cloudevents-batch+json", "application/json"], post["requestBody"]!["content"]!.AsObject().Select(c => c.Key));
        Assert.NotNull(post["responses"]!["202"]!["content"]!["application/json"]);
        foreach (var status in new[] { "400", "401", "403", "413", "415", "429" })
        {
            Assert.True(post["responses"]![status]?["content"]?["application/problem+json"] is not null, $"{status} is not described as a problem");
        }
    }

    private async Task<string> GetDocumentAsync(IDictionary<string, string?>? settings = null)
    {
        await using var app = new DashboardFactory(nats.Url, settings);
        using var http = app.CreateClient();
        using var response = await http.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static Dictionary<string, JsonNode> Parameters(JsonNode document, string path) =>
        document["paths"]![path]!["get"]!["parameters"]!.AsArray().ToDictionary(p => p!["name"]!.GetValue<string>(), p => p!);

    private static (string, int, int, int) Number(JsonNode parameter)
    {
        var schema = parameter["schema"]!;
        return (schema["type"]!.GetValue<string>(), schema["minimum"]!.GetValue<int>(), schema["maximum"]!.GetValue<int>(), schema["default"]!.GetValue<int>());
    }
}
