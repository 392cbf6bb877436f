using ChoriaDashboard.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Ingest.Http;

/// <summary>
/// <c>POST /api/events</c>: Choria's CloudEvents over HTTP, in structured, batch or binary mode, answered as senders
/// such as Knative's expect: 202 when accepted (a batch: when any event was), 400 with problem details for a malformed
/// or non-Choria event (a sender does not retry those), 413 over <c>HttpIngest:MaxRequestBytes</c> (or a single event
/// over <c>Ingest:MaxPayloadBytes</c>, or a batch over <c>HttpIngest:MaxBatchEvents</c>), 415 for anything but
/// CloudEvents in JSON. The answer lists each event with what became of it. Who may post is decided where it is mapped.
/// </summary>
public static class EventsEndpoint
{
    /// <summary>The route, under the <c>/api</c> group.</summary>
    public const string Pattern = "/events";

    /// <summary>Maps <c>POST events</c> on <paramref name="api"/>, the <c>/api</c> group; the caller adds its authorization.</summary>
    public static RouteHandlerBuilder MapEventIngest(this IEndpointRouteBuilder api) =>
        api.MapPost(Pattern, PostAsync)
            .WithName("PostEvents")
            .Accepts<object>(CloudEventsHttpBinding.StructuredMediaType, CloudEventsHttpBinding.BatchMediaType, "application/json")
            .Produces<PostEventsResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Post Choria events as CloudEvents (structured, batch or binary mode)")
            .WithDescription(
                "The CloudEvents 1.0 HTTP binding: one event as application/cloudevents+json, a JSON array of them as "
                + "application/cloudevents-batch+json, or binary mode (ce-specversion, ce-id, ce-source, ce-type headers; the "
                + "Choria event as an application/json body). Choria's types only (io.choria.lifecycle.v1.*, io.choria.machine.*), "
                + "judged as events from the broker are (Ingest limits). 202: accepted (a batch: at least one event was; each "
                + "event is listed as accepted, duplicate or rejected with its reason). An event with the source and id of one "
                + "accepted within HttpIngest:DedupeWindow is a duplicate: not applied again. 400: rejected (not retried). "
                + "413: over HttpIngest:MaxRequestBytes, Ingest:MaxPayloadBytes for one event, or HttpIngest:MaxBatchEvents. "
                + "415: not CloudEvents in JSON. Needs an API key with CanPostEvents.");

    internal static async Task<IResult> PostAsync(HttpContext context, HttpEventIngest ingest, IOptions<HttpIngestOptions> options)
    {
        var request = context.Request;
        var settings = options.Value;
        if (CloudEventsHttpBinding.ModeOf(request, out var refusal) is not { } mode)
        {
            ingest.RejectRequest(RejectionReason.NotChoriaEvent, $"Content-Type {UntrustedText.Excerpt(request.ContentType ?? "none")}: not CloudEvents in JSON");
            return TypedResults.Problem(title: "Unsupported media type", detail: refusal, statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        var body = await CloudEventsHttpBinding.ReadBodyAsync(request, settings.MaxRequestBytes, context.RequestAborted);
        if (body is null)
        {
            ingest.RejectRequest(RejectionReason.TooLarge, $"request body over {settings.MaxRequestBytes} bytes (HttpIngest:MaxRequestBytes)");
            return TooLarge($"The body is larger than {settings.MaxRequestBytes} bytes (HttpIngest:MaxRequestBytes).");
        }

        List<PostedEvent> events;
        switch (mode)
        {
            case HttpMode.Batch:
                if (CloudEventsHttpBinding.SplitBatch(body, settings.MaxBatchEvents, out var problem, out var tooMany) is not { } batch)
                {
                    ingest.RejectRequest(tooMany ? RejectionReason.TooLarge : RejectionReason.NotJson, problem);
                    return tooMany ? TooLarge(problem) : TypedResults.Problem(title: "Not a batch of CloudEvents", detail: problem, statusCode: StatusCodes.Status400BadRequest);
                }

                events = batch;
                break;
            case HttpMode.Binary:
                events = [CloudEventsHttpBinding.Binary(request, body)];
                break;
            default:
                events = [new PostedEvent(body, null)];
                break;
        }

        var results = await ingest.AcceptAsync(events, context.RequestAborted);
        var answer = PostEventsResponse.From(results);
        if (answer.Accepted + answer.Duplicates > 0 || results.Count == 0)
        {
            return TypedResults.Accepted((string?)null, answer);
        }

        // Nothing accepted: one event's reason is the problem's; a batch's, each event's in the list.
        var first = results[0];
        var single = mode != HttpMode.Batch;
        return TypedResults.Problem(
            title: single ? "Event rejected" : "Every event of the batch was rejected",
            detail: single ? $"{first.Reason}: {first.Detail}" : $"{results.Count} events, none accepted; see events.",
            statusCode: single && first.Reason == RejectionReason.TooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["events"] = results });
    }

    private static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(title: "Payload too large", detail: detail, statusCode: StatusCodes.Status413PayloadTooLarge);
}
