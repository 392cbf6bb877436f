using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Status;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ChoriaDashboard.Components.Controls;

/// <summary>
/// The status bar: whether the dashboard is connected to the broker and subscribed, and since when (from the fleet's
/// stream); how long ago the newest event arrived; how many events per second the fleet accepts. The age and rate are
/// read on a timer (<c>Ui:RelativeTimeRefresh</c>) from two counters, so they cost the same whatever the event rate.
/// </summary>
public sealed partial class BrokerIndicator
{
    private long _acceptedAt;
    private long _acceptedBefore;
    private double? _rate;

    private string LatestEventText => FleetStatus.LatestEventAt is { } at
        ? $"last event {DisplayFormat.Ago(Time.GetUtcNow() - at)}"
        : "no events yet";

    private string Label => Broker.State switch
    {
        BrokerState.Connected when Broker.Ready => "connected",
        BrokerState.Connected => "subscribing",
        BrokerState.Connecting => "connecting",
        BrokerState.Reconnecting => "reconnecting",
        _ => "disconnected",
    };

    private Color ChipColor => Broker.State switch
    {
        BrokerState.Connected when Broker.Ready => Color.Success,
        BrokerState.Connected or BrokerState.Connecting or BrokerState.Reconnecting => Color.Warning,
        _ => Color.Error,
    };

    private string Tooltip =>
        $"{Label} since {Broker.Since.ToLocalTime():HH:mm:ss} ({DisplayFormat.Ago(Time.GetUtcNow() - Broker.Since)})"
        + (Broker.Server is null ? "" : $" · {Broker.Server}")
        + (Broker.Security is null ? "" : $" · {Broker.Security}")
        + $" · {Broker.Subscriptions}/{Broker.ExpectedSubscriptions} subscriptions"
        + (Broker.Reason is null ? "" : $" · {Broker.Reason}")
        + string.Concat(Broker.RefusedSubjects.Select(r => $" · {r.Key}: {r.Value}"))
        + (Broker.LastError is null || Broker.LastError == Broker.Reason ? "" : $" · {Broker.LastError}");

    /// <summary>The age of the newest event and the rate are read on this timer, so they cost the same whatever the event rate.</summary>
    protected override TimeSpan? ClockInterval => Ui.Value.RelativeTimeRefresh;

    protected override void OnInitialized()
    {
        base.OnInitialized();
        _acceptedBefore = FleetStatus.Ingest.Accepted;
        _acceptedAt = Time.GetTimestamp();
    }

    /// <summary>Renders when the broker's status changed; the age and rate follow the clock.</summary>
    protected override bool OnFleetUpdated(IReadOnlyList<FleetUpdate> updates) => updates.Any(u => u.IsSnapshot || u.StatusChanged);

    protected override void OnClockTick() => Sample();

    /// <summary>The accepted-events rate since the last tick.</summary>
    internal void Sample()
    {
        var accepted = FleetStatus.Ingest.Accepted;
        var now = Time.GetTimestamp();
        var elapsed = Time.GetElapsedTime(_acceptedAt, now);
        if (elapsed > TimeSpan.Zero)
        {
            _rate = (accepted - _acceptedBefore) / elapsed.TotalSeconds;
        }

        _acceptedBefore = accepted;
        _acceptedAt = now;
    }
}
