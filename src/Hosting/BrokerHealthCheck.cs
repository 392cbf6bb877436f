using ChoriaDashboard.Fleet;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChoriaDashboard.Hosting;

/// <summary>Ready when connected to the broker with every configured subscription in place, and not replaying history.</summary>
public sealed class BrokerHealthCheck(IFleetStatus fleet) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = fleet.Broker;
        var data = new Dictionary<string, object>
        {
            ["state"] = status.State.ToString(),
            ["since"] = status.Since,
            ["subscriptions"] = status.Subscriptions,
            ["expectedSubscriptions"] = status.ExpectedSubscriptions,
        };
        var currency = fleet.Currency;
        if (status.Ready && currency.Replay is { } replay)
        {
            data["replayed"] = replay.Replayed;
            data["replayTotal"] = replay.Total;
            return Task.FromResult(HealthCheckResult.Unhealthy($"replaying history from Choria Streams: {replay.Replayed} of {replay.Total} events", data: data));
        }

        return Task.FromResult(status.Ready
            ? HealthCheckResult.Healthy($"connected to {status.Server}, {status.Subscriptions} subscriptions", data)
            : HealthCheckResult.Unhealthy($"broker {status.State.ToString().ToLowerInvariant()} since {status.Since:O}, {status.Subscriptions}/{status.ExpectedSubscriptions} subscriptions{(status.LastError is null ? "" : $": {status.LastError}")}", data: data));
    }
}
