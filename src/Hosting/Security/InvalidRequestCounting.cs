using Microsoft.AspNetCore.Http.HttpResults;

namespace ChoriaDashboard.Hosting.Security;

/// <summary>
/// Counts and logs (at the bounded rate of <see cref="SecurityRefusals"/>) every request an endpoint answered with 400:
/// invalid parameters on <c>/api</c>, e.g. <c>state=zombie</c> or <c>limit=100000</c>. The answer itself is the
/// endpoint's RFC 9457 validation problem; this adds the count (<c>choria_dashboard_refused_requests_total{reason="invalid_parameters"}</c>)
/// and one log line naming the parameters, so a script gone wrong shows up without reading every response.
/// </summary>
public static class InvalidRequestCounting
{
    /// <summary>Adds the counting filter to every endpoint of <paramref name="group"/>.</summary>
    public static RouteGroupBuilder CountInvalidRequests(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            var answer = result is INestedHttpResult nested ? nested.Result : result;
            if (answer is IStatusCodeHttpResult { StatusCode: StatusCodes.Status400BadRequest })
            {
                var parameters = answer is ValidationProblem problem ? string.Join(", ", problem.ProblemDetails.Errors.Keys) : null;
                context.HttpContext.RequestServices.GetRequiredService<SecurityRefusals>()
                    .Refused(RefusalReason.InvalidParameters, context.HttpContext, parameters is null ? null : $"invalid {parameters}");
            }

            return result;
        });
        return group;
    }
}
