using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChoriaDashboard.Hosting.WarmUp;

/// <summary>
/// Part of <c>/readyz</c>: unhealthy while the warm-up runs; healthy once it is over, also when it failed or ran out of
/// time (said in the description; the warning is logged once by <see cref="WarmUpService"/>, not at every probe as a
/// degraded check would be), so a warm-up never keeps the app out of service.
/// </summary>
public sealed class WarmUpHealthCheck(WarmUpService warmUp) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(warmUp.State switch
        {
            WarmUpState.Running => HealthCheckResult.Unhealthy(warmUp.Summary),
            _ => HealthCheckResult.Healthy(warmUp.Summary),
        });
}
