using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChoriaDashboard.Hosting.WarmUp;

/// <summary>
/// Part of <c>/readyz</c>: unhealthy while the warm-up runs, healthy when it is done, degraded (still ready: 200) when it
/// failed or ran out of time, so a warm-up never keeps the app out of service.
/// </summary>
public sealed class WarmUpHealthCheck(WarmUpService warmUp) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(warmUp.State switch
        {
            WarmUpState.Done => HealthCheckResult.Healthy(warmUp.Summary),
            WarmUpState.GivenUp => HealthCheckResult.Degraded(warmUp.Summary),
            _ => HealthCheckResult.Unhealthy(warmUp.Summary),
        });
}
