using Bunit;
using ChoriaDashboard.Components.Controls;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using Xunit;

namespace ChoriaDashboard.Components.Tests.Controls;

/// <summary>
/// The boundary around the overview's charts: a chart whose JavaScript call fails because its tab is closing logs no
/// error; any other failure is logged once and the charts give way to their error content.
/// </summary>
public sealed class ChartBoundaryTests : DashboardTestContext
{
    private readonly RecordingLogger _logged = new();

    public ChartBoundaryTests() => Services.AddSingleton<IErrorBoundaryLogger>(_logged);

    [Fact]
    public void ChartBoundary_ChartCallsJavaScriptAsTheTabCloses_LogsNothing()
    {
        var cut = Render<ChartBoundary>(p => p
            .AddChildContent<FailsAfterRender>(c => c.Add(x => x.Error, new JSDisconnectedException("JavaScript interop calls cannot be issued at this time.")))
            .Add(x => x.ErrorContent, _ => "<p data-testid=failed>failed</p>"));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=failed]")));
        Assert.Empty(_logged.Errors);
    }

    [Fact]
    public void ChartBoundary_ChartFailsOtherwise_LogsItAndShowsTheErrorContent()
    {
        var error = new InvalidOperationException("a chart bug");
        var cut = Render<ChartBoundary>(p => p
            .AddChildContent<FailsAfterRender>(c => c.Add(x => x.Error, error))
            .Add(x => x.ErrorContent, _ => "<p data-testid=failed>failed</p>"));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=failed]")));
        var logged = Assert.Single(_logged.Errors);
        Assert.Same(error, logged is AggregateException all ? Assert.Single(all.InnerExceptions) : logged);
    }

    /// <summary>A chart stand-in: renders, then fails in its after-render JavaScript call, as MudBlazor's charts may.</summary>
    private sealed class FailsAfterRender : ComponentBase
    {
        [Parameter]
        public Exception Error { get; set; } = default!;

        protected override Task OnAfterRenderAsync(bool firstRender) => firstRender ? Task.FromException(Error) : Task.CompletedTask;
    }

    private sealed class RecordingLogger : IErrorBoundaryLogger
    {
        public List<Exception> Errors { get; } = [];

        public ValueTask LogErrorAsync(Exception exception)
        {
            Errors.Add(exception);
            return ValueTask.CompletedTask;
        }
    }
}
