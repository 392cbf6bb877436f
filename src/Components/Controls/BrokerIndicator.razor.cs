using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Status;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ChoriaDashboard.Components.Controls;

/// <summary>
/// The status bar: whether the dashboard is connected to the broker and subscribed, and since when; how long ago the
/// newest event arrived; how many events per second the fleet accepts. The age and rate are read on a timer
/// (<c>Ui:RelativeTimeRefresh</c>) from two counters, so they cost the same whatever the event rate.
/// </summary>
public sealed partial class BrokerIndicator : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private BrokerStatus _status = default!;
    private Task? _clock;
    private long _acceptedAt;
    private long _acceptedBefore;
    private double? _rate;

    [Inject]
    private IFleetReader Fleet { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private Microsoft.Extensions.Options.IOptions<UiOptions> Ui { get; set; } = default!;

    private string LatestEventText => Fleet.LatestEventAt is { } at
        ? $"last event {DisplayFormat.Ago(Time.GetUtcNow() - at)}"
        : "no events yet";

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
        _acceptedBefore = Fleet.Ingest.Accepted;
        _acceptedAt = Time.GetTimestamp();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _clock = TickAsync(Ui.Value.RelativeTimeRefresh, _cts.Token);
        }
    }

    private async Task TickAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await InvokeAsync(() =>
                {
                    Sample();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>The accepted-events rate since the last tick.</summary>
    internal void Sample()
    {
        var accepted = Fleet.Ingest.Accepted;
        var now = Time.GetTimestamp();
        var elapsed = Time.GetElapsedTime(_acceptedAt, now);
        if (elapsed > TimeSpan.Zero)
        {
            _rate = (accepted - _acceptedBefore) / elapsed.TotalSeconds;
        }

        _acceptedBefore = accepted;
        _acceptedAt = now;
    }

    private void OnChanged(BrokerStatus status) => _ = InvokeAsync(() =>
    {
        _status = status;
        StateHasChanged();
    });

    public async ValueTask DisposeAsync()
    {
        Fleet.BrokerChanged -= OnChanged;
        await _cts.CancelAsync();
        if (_clock is not null)
        {
            await _clock.ConfigureAwait(false);
        }

        _cts.Dispose();
    }
}
