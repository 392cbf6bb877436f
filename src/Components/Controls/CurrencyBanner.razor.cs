using System.Globalization;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Status;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ChoriaDashboard.Components.Controls;

/// <summary>
/// Says prominently, on every page, when the view is not current (cut off from the broker, replaying history, missing
/// events) and since when, with the replay's progress; and when history from Choria Streams is unavailable, why.
/// </summary>
public sealed partial class CurrencyBanner : IDisposable
{
    private ViewCurrency _currency = ViewCurrency.Current;

    [Inject]
    private IFleetReader Fleet { get; set; } = default!;

    private Severity Severity => _currency.LivenessPaused && _currency.Replay is null ? Severity.Error : Severity.Warning;

    /// <summary>"Data not current since 08:12 — broker disconnected; node states are frozen".</summary>
    public static string Headline(ViewCurrency currency)
    {
        var since = currency.NotCurrentSince is { } at ? $" since {at.ToLocalTime().ToString("HH:mm", CultureInfo.InvariantCulture)}" : "";
        var frozen = currency.LivenessPaused ? "; node states are frozen" : "";
        return $"Data not current{since} — {currency.Reason}{frozen}";
    }

    /// <summary>"1,200 of 300,000 events replayed (0.4%), about 12 s left".</summary>
    public static string ProgressText(ReplayProgress replay)
    {
        var left = replay.EstimatedTimeLeft is { } t ? $", about {Duration(t)} left" : "";
        return string.Create(CultureInfo.InvariantCulture, $"{replay.Replayed:N0} of {replay.Total:N0} events replayed ({replay.Percent:0.#}%){left}");
    }

    private static string Duration(TimeSpan t) => t.TotalSeconds < 60
        ? $"{Math.Max(1, Math.Ceiling(t.TotalSeconds)):0} s"
        : $"{Math.Ceiling(t.TotalMinutes):0} min";

    protected override void OnInitialized()
    {
        _currency = Fleet.Currency;
        Fleet.CurrencyChanged += OnChanged;
    }

    // Reports come from several threads and their notifications can arrive out of order, so the value passed along
    // may already be outdated: read the newest one on the renderer's context instead.
    private void OnChanged(ViewCurrency currency) => _ = InvokeAsync(() =>
    {
        _currency = Fleet.Currency;
        StateHasChanged();
    });

    public void Dispose() => Fleet.CurrencyChanged -= OnChanged;
}
