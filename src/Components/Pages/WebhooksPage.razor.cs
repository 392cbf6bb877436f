using System.Globalization;
using ChoriaDashboard.Webhooks;
using Microsoft.AspNetCore.Components;

namespace ChoriaDashboard.Components.Pages;

/// <summary>
/// Webhook delivery per endpoint (<c>/webhooks</c>): what <c>GET /api/webhooks</c> says, read again on every clock
/// tick (<c>Ui:RelativeTimeRefresh</c>). URLs without user information or query; secrets never.
/// </summary>
public sealed partial class WebhooksPage
{
    private IReadOnlyList<WebhookEndpointStatus> _endpoints = [];
    private long _fellBehind;

    [Inject]
    private IWebhookStatus Webhooks { get; set; } = default!;

    protected override TimeSpan? ClockInterval => Ui.Value.RelativeTimeRefresh;

    /// <summary>The endpoints as shown now (for tests).</summary>
    internal IReadOnlyList<WebhookEndpointStatus> Shown => _endpoints;

    protected override void OnInitialized()
    {
        base.OnInitialized();
        Read();
    }

    protected override void OnClockTick() => Read();

    private void Read()
    {
        _endpoints = Webhooks.Endpoints;
        _fellBehind = Webhooks.ReaderFellBehind;
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private string Ago(DateTimeOffset? at) => at is { } t ? DisplayFormat.Ago(Time.GetUtcNow() - t) : "never";
}
