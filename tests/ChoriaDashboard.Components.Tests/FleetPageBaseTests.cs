using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using Xunit;

namespace ChoriaDashboard.Components.Tests;

/// <summary>How the shared page base reports failures of its background loops to the person watching.</summary>
public sealed class FleetPageBaseTests : DashboardTestContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public void ClockTick_Throws_ErrorIsReportedToTheErrorBoundaryInsteadOfTheClockFreezingSilently()
    {
        var cut = Render<ErrorBoundary>(p => p.AddChildContent<ClockFailingPage>());
        cut.WaitForAssertion(() => Assert.Contains("page content", cut.Markup, StringComparison.Ordinal), Wait);

        Clock.Advance(TimeSpan.FromSeconds(1));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(".blazor-error-boundary")), Wait);
        Assert.DoesNotContain("page content", cut.Markup, StringComparison.Ordinal);
    }

    /// <summary>A page whose clock tick fails, as a bug in a page's tick handler would.</summary>
    private sealed class ClockFailingPage : FleetPageBase
    {
        protected override TimeSpan? ClockInterval => TimeSpan.FromSeconds(1);

        protected override void OnClockTick() => throw new InvalidOperationException("tick failed");

        protected override void BuildRenderTree(RenderTreeBuilder builder) => builder.AddContent(0, "page content");
    }
}
