using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using CsvHelper;

namespace ChoriaDashboard.Api;

/// <summary>
/// <c>GET /export/nodes.csv</c> and <c>/export/nodes.json</c>: the node list's current view (the same query parameters
/// as <c>/nodes</c>: filter and order), every matching row, written to the response as it is enumerated. The rows are the
/// node list's shared view, so an export holds no copy of the fleet beyond the writer's buffer.
/// </summary>
public static class NodeExport
{
    /// <summary>
    /// The columns, in order: the same in CSV and JSON. <c>aliveEvery</c> is the node's steady alive cadence
    /// (<c>hh:mm:ss</c>; empty or null until steady), <c>aliveIntervals</c> how many intervals agreed with it.
    /// </summary>
    public static readonly string[] Columns = ["identity", "component", "version", "upgradingTo", "state", "lastSeen", "lastEvent", "firstSeen", "aliveEvery", "aliveIntervals"];

    /// <summary>
    /// CSV as RFC 4180 with a header; a text cell a spreadsheet would run as a formula (starting with <c>= + - @</c>, tab
    /// or CR) gets a leading <c>'</c>: event data is untrusted.
    /// </summary>
    private static readonly CsvWriterOptions CsvOptions = CsvWriterOptions.Default with { Injection = CsvInjection.Escape };

    /// <summary>The JSON shape of <c>/api</c> (<see cref="FleetApi.ConfigureJson"/>), so an export item is an API item.</summary>
    private static readonly JsonSerializerOptions JsonOptions = CreateJsonOptions();

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        FleetApi.ConfigureJson(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Maps <c>nodes.csv</c> and <c>nodes.json</c> on <paramref name="export"/>, the <c>/export</c> group.</summary>
    public static IEndpointRouteBuilder MapNodeExport(this IEndpointRouteBuilder export)
    {
        export.MapGet("/nodes.csv", (HttpContext http, IFleetView fleet, NodeListCache lists) =>
            WriteCsvAsync(http, Rows(http, fleet, lists)));
        export.MapGet("/nodes.json", (HttpContext http, IFleetView fleet, NodeListCache lists) =>
            WriteJsonAsync(http, Rows(http, fleet, lists)));
        return export;
    }

    private static NodeSnapshot[] Rows(HttpContext http, IFleetView fleet, NodeListCache lists)
    {
        var query = NodeQueryString.Parse(name => http.Request.Query.TryGetValue(name, out var v) ? v.FirstOrDefault() : null);
        return lists.Get(query, NodeListCache.RevisionFor(query, fleet.Summary));
    }

    /// <summary>Writes <paramref name="rows"/> as CSV to <paramref name="destination"/>, flushing as its buffer fills.</summary>
    public static async Task WriteCsvAsync(Stream destination, IEnumerable<NodeSnapshot> rows, CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(destination, CsvOptions, leaveOpen: true);
        foreach (var column in Columns)
        {
            csv.WriteField(column);
        }

        await csv.EndRecordAsync(cancellationToken);
        foreach (var node in rows)
        {
            csv.WriteField(node.Identity);
            csv.WriteField(node.Component);
            csv.WriteField(node.Version);
            csv.WriteField(node.UpgradingTo);
            csv.WriteField(NodeQueryString.NameOf(node.State));
            csv.WriteField(node.LastSeen.ToString("O"));
            csv.WriteField(EventName(node));
            csv.WriteField(node.FirstSeen.ToString("O"));
            var cadence = node.Cadence;
            csv.WriteField(NodeItem.AliveEveryOf(cadence));
            csv.WriteField(cadence.Intervals.ToString(CultureInfo.InvariantCulture));
            await csv.EndRecordAsync(cancellationToken);
        }

        await csv.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Writes <paramref name="rows"/> as a JSON array of <see cref="NodeItem"/> (the items of <c>/api/nodes</c>), flushing
    /// every few KB.
    /// </summary>
    public static async Task WriteJsonAsync(Stream destination, IEnumerable<NodeSnapshot> rows, CancellationToken cancellationToken)
    {
        // Through a pipe: the serializer flushes its writer after each item, which on a stream would be a synchronous write.
        var pipe = PipeWriter.Create(destination, new StreamPipeWriterOptions(leaveOpen: true));
        await using (var json = new Utf8JsonWriter(pipe))
        {
            json.WriteStartArray();
            foreach (var node in rows)
            {
                JsonSerializer.Serialize(json, NodeItem.From(node), JsonOptions);
                if (pipe.UnflushedBytes > 16 * 1024)
                {
                    await pipe.FlushAsync(cancellationToken);
                }
            }

            json.WriteEndArray();
        }

        await pipe.CompleteAsync();
    }

    private static Task WriteCsvAsync(HttpContext http, NodeSnapshot[] rows)
    {
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = "attachment; filename=\"nodes.csv\"";
        return WriteCsvAsync(http.Response.Body, rows, http.RequestAborted);
    }

    private static Task WriteJsonAsync(HttpContext http, NodeSnapshot[] rows)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.ContentDisposition = "attachment; filename=\"nodes.json\"";
        return WriteJsonAsync(http.Response.Body, rows, http.RequestAborted);
    }

    private static string EventName(NodeSnapshot node) => node.LastEvent.ToString().ToLowerInvariant();
}
