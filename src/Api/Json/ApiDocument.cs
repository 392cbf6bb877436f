using System.Globalization;
using System.Text.Json.Nodes;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ChoriaDashboard.Api;

/// <summary>
/// The JSON API's OpenAPI document (<c>Microsoft.AspNetCore.OpenApi</c>, OpenAPI 3.1), served at
/// <see cref="DocumentPath"/>: every <c>/api</c> route with its parameters, its answers (RFC 9457 problems for 400, 401,
/// 403, 404, 429) and the API-key scheme. Enums are camelCase strings, as the API writes them.
/// </summary>
public static class ApiDocument
{
    /// <summary>The one document's name.</summary>
    public const string Name = "v1";

    /// <summary>Where the document is served, as a route pattern (the framework's default).</summary>
    public const string DocumentPattern = "/openapi/{documentName}.json";

    /// <summary>Where the document is served.</summary>
    public const string DocumentPath = "/openapi/" + Name + ".json";

    /// <summary>The security scheme's name in the document: the <c>x-api-key</c> header.</summary>
    public const string ApiKeyScheme = "ApiKey";

    /// <summary>Registers the document: the <c>/api</c> routes only (<paramref name="apiPrefix"/>), described by the transformers below.</summary>
    public static IServiceCollection AddApiDocument(this IServiceCollection services, string apiPrefix, string apiKeyHeader) =>
        services.AddOpenApi(Name, options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.ShouldInclude = description => ("/" + description.RelativePath).StartsWith(apiPrefix + "/", StringComparison.Ordinal);
            options.AddDocumentTransformer((document, _, _) => DescribeDocument(document, apiKeyHeader));
            options.AddOperationTransformer((operation, _, _) => DescribeParameters(operation));
        });

    /// <summary>The answers every <c>/api</c> route may give besides its own: 401 without sign-in, 403 for a wall screen, 429 past the rate limit.</summary>
    public static RouteHandlerBuilder ProducesRefusals(this RouteHandlerBuilder route) => route
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status429TooManyRequests);

    private static Task DescribeDocument(OpenApiDocument document, string apiKeyHeader)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Choria Dashboard API",
            Version = Name,
            Description = "The fleet as the dashboard sees it, for automation: nodes, their detail, versions, checks and recent events. "
                + $"Send an API key (Auth:ApiKeys) in the {apiKeyHeader} header, or call it from a signed-in browser. "
                + "Lists are paged with offset and limit (default " + ApiParameters.DefaultLimit.ToString(CultureInfo.InvariantCulture)
                + ", at most " + ApiParameters.MaxLimit.ToString(CultureInfo.InvariantCulture) + "). A bad query parameter is answered 400 with an "
                + "RFC 9457 problem whose errors name it.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = apiKeyHeader,
            Description = "An API key from Auth:ApiKeys. A signed-in browser's cookie also works (Auth:Mode BrowserToken or OpenIdConnect); in Unsecured mode nothing is needed.",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] }];
        return Task.CompletedTask;
    }

    /// <summary>
    /// The query parameters are bound as text (so a bad value gets a problem naming it, see <see cref="ApiParameters"/>);
    /// the document says what they take.
    /// </summary>
    private static Task DescribeParameters(OpenApiOperation operation)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (SchemaOf(parameter.Name, operation.OperationId) is { } schema)
            {
                parameter.Schema = schema;
            }

            if (parameter.In == ParameterLocation.Path)
            {
                parameter.Description ??= parameter.Name == "identity"
                    ? "The Choria identity, URL-encoded."
                    : "The lifecycle component (server, …), URL-encoded.";
            }
        }

        return Task.CompletedTask;
    }

    private static OpenApiSchema? SchemaOf(string? parameter, string? operation) => parameter switch
    {
        "offset" => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0", Default = 0 },
        "limit" => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = ApiParameters.MaxLimit.ToString(CultureInfo.InvariantCulture), Default = ApiParameters.DefaultLimit },
        "outdated" or "desc" => new OpenApiSchema { Type = JsonSchemaType.Boolean, Default = false },
        "state" when operation == "GetNodes" => Words(Enum.GetValues<NodeState>().Select(NodeQueryString.NameOf)),
        "sort" => Words(Enum.GetValues<NodeSort>().Select(NodeQueryString.NameOf), NodeQueryString.NameOf(NodeSort.State)),
        _ => null,
    };

    private static OpenApiSchema Words(IEnumerable<string> words, string? fallback = null) => new()
    {
        Type = JsonSchemaType.String,
        Enum = [.. words.Select(w => (JsonNode)JsonValue.Create(w))],
        Default = fallback is null ? null : JsonValue.Create(fallback),
    };
}
