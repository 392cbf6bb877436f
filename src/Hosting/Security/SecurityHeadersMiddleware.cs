namespace ChoriaDashboard.Hosting.Security;

/// <summary>
/// Sets the security headers on every response: <c>nosniff</c>, no referrer (a wallboard link carries its token in the
/// URL, which must never leave in a <c>Referer</c>), and the Content-Security-Policy of <see cref="SecurityHeaders"/>
/// chosen by the endpoint's group.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next, SecurityHeaders headers)
{
    public Task InvokeAsync(HttpContext context)
    {
        // Set before the endpoint runs, so they are on every response it writes; an error page re-executed by the
        // exception handler (which clears the headers) passes here again.
        var response = context.Response.Headers;
        response.XContentTypeOptions = "nosniff";
        response["Referrer-Policy"] = "no-referrer";
        var group = context.GetEndpoint()?.Metadata.GetMetadata<DashboardEndpointGroup>()?.Name;
        if (group is DashboardEndpointGroup.Api or DashboardEndpointGroup.Export or DashboardEndpointGroup.Health)
        {
            response.ContentSecurityPolicy = SecurityHeaders.ResourcePolicy;
            response.XFrameOptions = "DENY";
        }
        else
        {
            // A page that needs an inline script gets a fresh nonce for it on this response only.
            response.ContentSecurityPolicy = context.GetEndpoint()?.Metadata.GetMetadata<ScriptNonce>() is null
                ? headers.PagePolicy
                : headers.PagePolicyWithNonce(ScriptNonce.Create(context));
            if (headers.FrameOptions is { } frameOptions)
            {
                response.XFrameOptions = frameOptions;
            }
        }

        return next(context);
    }
}
