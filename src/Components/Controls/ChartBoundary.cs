using Microsoft.AspNetCore.Components.Web;
using Microsoft.JSInterop;

namespace ChoriaDashboard.Components.Controls;

/// <summary>
/// Around the overview's charts. MudBlazor's charts call JavaScript after they render (to fit their bounds); one that
/// renders just as its tab closes fails with <see cref="JSDisconnectedException"/>, which Blazor logs as an unhandled
/// error of the circuit (found by <c>scripts/bench.sh faults</c>, tabs closed in rounds under load). That is the tab
/// going away, not an error, and is not logged. Any other failure is logged as every error boundary logs it, and the
/// charts give way to one line saying so while the rest of the page carries on.
/// </summary>
public sealed class ChartBoundary : ErrorBoundary
{
    protected override Task OnErrorAsync(Exception exception) =>
        TabGone(exception) ? Task.CompletedTask : base.OnErrorAsync(exception);

    // The renderer may hand the failure over as the task's AggregateException.
    private static bool TabGone(Exception exception) => exception switch
    {
        JSDisconnectedException => true,
        AggregateException all => all.InnerExceptions.Count > 0 && all.InnerExceptions.All(TabGone),
        _ => false,
    };
}
