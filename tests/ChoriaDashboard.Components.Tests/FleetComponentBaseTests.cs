using Bunit;
using ChoriaDashboard.TestKit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using Xunit;

namespace ChoriaDashboard.Components.Tests;

/// <summary>How the shared base of live components reports failures of its background loops to the person watching.</summary>
public sealed class FleetComponentBaseTests : DashboardTestContext
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

    [Fact]
    public void Updates_ReaderFellBehind_RebuildsFromOneSnapshotWithTheNewestSummary()
    {
        var cut = Render<UpdateCountingComponent>();
        cut.WaitForAssertion(() => Assert.Equal(1, cut.Instance.Snapshots), Wait);
        Store.Publish(TestSnapshots.Node("first.example.net", Fleet.Model.NodeState.Live));
        cut.WaitForAssertion(() => Assert.Equal(1, cut.Instance.Changes), Wait);

        // The component now waits for its update interval on the fake clock: more updates than its buffer pile up.
        for (var i = 0; i < 1100; i++)
        {
            Store.Publish(TestSnapshots.Node($"n{i}.example.net", Fleet.Model.NodeState.Live));
        }

        WaitWhileTheClockRuns(cut, () => Assert.Equal(2, cut.Instance.Snapshots));
        Assert.Equal(1101, cut.Instance.Nodes);
        Assert.Equal(1, cut.Instance.Changes);
    }

    [Fact]
    public void Updates_ComponentSaysNothingChanged_NotRendered()
    {
        var cut = Render<UpdateCountingComponent>(p => p.Add(c => c.RenderOnChange, false));
        cut.WaitForAssertion(() => Assert.Equal(1, Store.Subscribers), Wait);
        cut.WaitForAssertion(() => Assert.Equal(1, cut.Instance.Snapshots), Wait);
        var renders = cut.RenderCount;

        Store.Publish(TestSnapshots.Node("n1.example.net", Fleet.Model.NodeState.Live));
        WaitWhileTheClockRuns(cut, () => Assert.Equal(1, cut.Instance.Changes));

        Assert.Equal(renders, cut.RenderCount);
    }

    [Fact]
    public async Task Dispose_Component_Unsubscribes()
    {
        var cut = Render<UpdateCountingComponent>();
        cut.WaitForAssertion(() => Assert.Equal(1, Store.Subscribers), Wait);

        await cut.Instance.DisposeAsync();

        Assert.Equal(0, Store.Subscribers);
    }

    /// <summary>Counts what the stream hands it: snapshots, batches of changes, and the nodes it knows from the summary.</summary>
    private sealed class UpdateCountingComponent : FleetComponentBase
    {
        [Parameter]
        public bool RenderOnChange { get; set; } = true;

        public int Snapshots { get; private set; }

        public int Changes { get; private set; }

        public int Nodes { get; private set; }

        protected override bool OnFleetUpdated(IReadOnlyList<Fleet.FleetUpdate> updates)
        {
            foreach (var update in updates)
            {
                if (update.IsSnapshot)
                {
                    Snapshots++;
                }
                else
                {
                    Changes++;
                }
            }

            Nodes = Summary.TotalNodes;
            return RenderOnChange || updates[0].IsSnapshot;
        }

        protected override void BuildRenderTree(RenderTreeBuilder builder) => builder.AddContent(0, $"{Nodes} nodes");
    }

    /// <summary>A page whose clock tick fails, as a bug in a page's tick handler would.</summary>
    private sealed class ClockFailingPage : FleetComponentBase
    {
        protected override TimeSpan? ClockInterval => TimeSpan.FromSeconds(1);

        protected override void OnClockTick() => throw new InvalidOperationException("tick failed");

        protected override void BuildRenderTree(RenderTreeBuilder builder) => builder.AddContent(0, "page content");
    }
}
