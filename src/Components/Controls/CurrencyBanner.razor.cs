using System.Globalization;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Status;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ChoriaDashboard.Components.Controls;

/// <summary>
/// Says prominently, on every page, when the view is not current (cut off from the broker, replaying history, missing
/// events) and since when, with the replay's progress (and interruptions it resumed from); when history from Choria
/// Streams is unavailable, why; and when the replay was given up part-way, what is missing.
/// </summary>
public sealed partial class CurrencyBanner
{
    /// <summary>The view's currency as the fleet's stream last told it: one value, so an older report cannot win.</summary>
    private ViewCurrency Currency => Summary.Currency;

    private Severity Severity => Currency.LivenessPaused && Currency.Replay is null ? Severity.Error : Severity.Warning;

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
        var interrupted = replay.Interruptions switch
        {
            0 => "",
            1 => "; interrupted once, resumed where it stopped",
            var n => string.Create(CultureInfo.InvariantCulture, $"; interrupted {n:N0} times, resumed where it stopped"),
        };
        return string.Create(CultureInfo.InvariantCulture, $"{replay.Replayed:N0} of {replay.Total:N0} events replayed ({replay.Percent:0.#}%){left}{interrupted}");
    }

    private static string Duration(TimeSpan t) => t.TotalSeconds < 60
        ? $"{Math.Max(1, Math.Ceiling(t.TotalSeconds)):0} s"
        : $"{Math.Ceiling(t.TotalMinutes):0} min";

    /// <summary>Renders when the currency or the broker's status changed.</summary>
    protected override bool OnFleetUpdated(IReadOnlyList<FleetUpdate> updates) => updates.Any(u => u.IsSnapshot || u.StatusChanged);
}
