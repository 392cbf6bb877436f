using ChoriaDashboard.Fleet;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ChoriaDashboard.Components.Controls;

/// <summary>Shows whether the dashboard is connected to the broker and subscribed, and since when.</summary>
public sealed partial class BrokerIndicator : IDisposable
{
    private BrokerStatus _status = default!;

    [Inject]
    private IFleetReader Fleet { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    private string Label => _status.State switch
    {
        BrokerState.Connected when _status.Ready => "connected",
        BrokerState.Connected => "subscribing",
        BrokerState.Connecting => "connecting",
        BrokerState.Reconnecting => "reconnecting",
        _ => "disconnected",
    };

    private Color ChipColor => _status.State switch
    {
        BrokerState.Connected when _status.Ready => Color.Success,
        BrokerState.Connected or BrokerState.Connecting or BrokerState.Reconnecting => Color.Warning,
        _ => Color.Error,
    };

    private string Tooltip =>
        $"{Label} since {_status.Since.ToLocalTime():HH:mm:ss} ({DisplayFormat.Ago(Time.GetUtcNow() - _status.Since)})"
        + (_status.Server is null ? "" : $" · {_status.Server}")
        + (_status.Security is null ? "" : $" · {_status.Security}")
        + $" · {_status.Subscriptions}/{_status.ExpectedSubscriptions} subscriptions"
        + (_status.Reason is null ? "" : $" · {_status.Reason}")
        + string.Concat(_status.RefusedSubjects.Select(r => $" · {r.Key}: {r.Value}"))
        + (_status.LastError is null || _status.LastError == _status.Reason ? "" : $" · {_status.LastError}");

    protected override void OnInitialized()
    {
        _status = Fleet.Broker;
        Fleet.BrokerChanged += OnChanged;
    }

    private void OnChanged(BrokerStatus status) => _ = InvokeAsync(() =>
    {
        _status = status;
        StateHasChanged();
    });

    public void Dispose() => Fleet.BrokerChanged -= OnChanged;
}
