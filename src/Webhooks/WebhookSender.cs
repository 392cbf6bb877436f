using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace ChoriaDashboard.Webhooks;

/// <summary>
/// Posts one endpoint's deliveries, one at a time in queue order: each attempt signed afresh (a new
/// <c>webhook-timestamp</c>, the same <c>webhook-id</c>), retried by a Polly pipeline (Microsoft.Extensions.Http.Resilience's
/// HTTP retry: exponential backoff with jitter, honouring <c>Retry-After</c>, retrying only what may pass later:
/// no connection, no answer, 408, 429, 5xx), each attempt bounded by <c>Webhooks:AttemptTimeout</c>.
/// </summary>
public sealed partial class WebhookSender
{
    /// <summary>The media type of a CloudEvent in structured JSON.</summary>
    public const string CloudEventsJson = "application/cloudevents+json";

    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _source;
    private readonly TimeSpan _attemptTimeout;

    public WebhookSender(HttpClient http, WebhookOptions options, TimeProvider time, ILogger<WebhookSender> logger)
    {
        _http = http;
        _time = time;
        _logger = logger;
        _source = options.Source;
        _attemptTimeout = options.AttemptTimeout;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
            });
        }

        _pipeline = builder.AddTimeout(options.AttemptTimeout).Build();
    }

    /// <summary>Delivers the endpoint's queue until it is completed or <paramref name="stopping"/> is cancelled.</summary>
    public async Task RunAsync(WebhookEndpoint endpoint, CancellationToken stopping)
    {
        try
        {
            await foreach (var news in endpoint.Queue.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                await DeliverAsync(endpoint, news, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>Posts one delivery with its retries; true when the receiver accepted it.</summary>
    internal async Task<bool> DeliverAsync(WebhookEndpoint endpoint, WebhookNews news, CancellationToken stopping)
    {
        var body = news.Body(_source);
        try
        {
            using var response = await _pipeline.ExecuteAsync(
                async token =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue(CloudEventsJson) { CharSet = "utf-8" };
                    var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
                    request.Headers.Add(WebhookSignature.IdHeader, news.Id);
                    request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
                    request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(endpoint.Key, news.Id, timestamp, body));
                    request.Headers.Authorization = endpoint.Authorization;
                    try
                    {
                        var answer = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                        if (!answer.IsSuccessStatusCode)
                        {
                            // The reason phrase is the receiver's text: shown, so kept short.
                            Failed(endpoint, $"HTTP {(int)answer.StatusCode} {Truncate(answer.ReasonPhrase)}".TrimEnd());
                        }

                        return answer;
                    }
                    catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                    {
                        Failed(endpoint, $"no answer within {_attemptTimeout}");
                        throw;
                    }
                    catch (HttpRequestException e)
                    {
                        Failed(endpoint, ReasonOf(e));
                        throw;
                    }
                },
                stopping).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                endpoint.Delivered(_time.GetUtcNow());
                return true;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException || (e is OperationCanceledException && !stopping.IsCancellationRequested))
        {
        }

        endpoint.GaveUp();
        Log.GaveUp(_logger, endpoint.Index, endpoint.DisplayUrl, news.Name, news.Id, endpoint.Status().LastFailure);
        return false;
    }

    private void Failed(WebhookEndpoint endpoint, string reason)
    {
        if (endpoint.AttemptFailed(_time.GetUtcNow(), reason))
        {
            Log.Failing(_logger, endpoint.Index, endpoint.DisplayUrl, reason);
        }
    }

    private static string? Truncate(string? text) => text is { Length: > 80 } ? text[..80] + "…" : text;

    /// <summary>Why a request got no answer, in words; the exception's message is not used, it may carry the address.</summary>
    private static string ReasonOf(HttpRequestException e) => e.InnerException switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException socket => "network error: " + socket.SocketErrorCode,
        System.Security.Authentication.AuthenticationException => "TLS handshake failed",
        _ => e.HttpRequestError == HttpRequestError.Unknown ? "request failed" : "request failed: " + e.HttpRequestError,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Webhook endpoint {Index} ({Url}) is failing: {Reason}. Retrying with backoff; GET /api/webhooks has its counts.")]
        public static partial void Failing(ILogger logger, int index, string url, string reason);

        [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Webhook endpoint {Index} ({Url}): gave up delivering {Event} {Id}: {Reason}")]
        public static partial void GaveUp(ILogger logger, int index, string url, string @event, string id, string? reason);
    }
}
