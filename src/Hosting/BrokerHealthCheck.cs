using ChoriaDashboard.Fleet;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChoriaDashboard.Hosting;

/// <summary>
/// Ready when connected to the broker with every configured subscription in place, and not replaying history; degraded
/// (still ready) when the replay was given up part-way.
/// </summary>
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
            return Task.FromResult(HealthCheckResult.Unhealthy($"{currency.Reason ?? "replaying history from Choria Streams"}: {replay.Replayed} of {replay.Total} events", data: data));
        }

        if (status.Ready && currency.HistoryIncomplete is { } incomplete)
        {
            // Ready (live events flow, liveness is judged), but an orchestrator's log and on-call staff should see that
            // part of the history is missing. Degraded answers 200.
            data["historyIncomplete"] = incomplete;
            return Task.FromResult(HealthCheckResult.Degraded($"connected to {status.Server}, {status.Subscriptions} subscriptions; history from Choria Streams incomplete: {incomplete}", data: data));
        }

        return Task.FromResult(status.Ready
            ? HealthCheckResult.Healthy($"connected to {status.Server}, {status.Subscriptions} subscriptions", data)
            : HealthCheckResult.Unhealthy($"broker {status.State.ToString().ToLowerInvariant()} since {status.Since:O}, {status.Subscriptions}/{status.ExpectedSubscriptions} subscriptions{(status.LastError is null ? "" : $": {status.LastError}")}", data: data));
    }
}
