using Bunit;
using ChoriaDashboard.Ingest;
using ChoriaDashboard.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using Xunit;

namespace ChoriaDashboard.Components.Tests;

/// <summary>bUnit with MudBlazor, a fake store, a fake clock and a short update interval.</summary>
public abstract class DashboardTestContext : BunitContext, IAsyncLifetime
{
    protected DashboardTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<Fleet.IFleetView>(Store);
        Services.AddSingleton<Fleet.IFleetStatus>(Store);
        Services.AddSingleton<Fleet.INodeHistory>(Store);
        Services.AddSingleton<Fleet.IEventTail>(Store);
        Services.AddSingleton(new Fleet.Queries.NodeListCache(Store, 8));
        Services.AddSingleton(new Fleet.Queries.CheckListCache(Store, 8));
        Services.AddSingleton(Trends);
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton(Monitor);
        Services.AddSingleton(Options.Create(new UiOptions { UpdateInterval = TimeSpan.FromMilliseconds(50) }));
        Services.AddSingleton(Options.Create(new Fleet.FleetOptions()));
    }

    protected FakeFleetStore Store { get; } = new();

    /// <summary>The overview's charts, shared by every overview rendered in the test (one app's singleton).</summary>
    protected Components.Pages.FleetTrendCache Trends { get; } = new();

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    protected BrokerConnectionMonitor Monitor => _monitor ??= new BrokerConnectionMonitor(Clock, Store);

    private BrokerConnectionMonitor? _monitor;

    /// <summary>
    /// Waits for <paramref name="assertion"/> while moving the fake clock on by the update interval between tries: live
    /// components take the fleet's updates at most once per interval of that clock.
    /// </summary>
    protected void WaitWhileTheClockRuns<TComponent>(IRenderedComponent<TComponent> cut, Action assertion, TimeSpan? timeout = null)
        where TComponent : Microsoft.AspNetCore.Components.IComponent
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            try
            {
                cut.WaitForAssertion(assertion, TimeSpan.FromMilliseconds(100));
                return;
            }
            catch (Exception) when (DateTime.UtcNow < until)
            {
                Clock.Advance(TimeSpan.FromMilliseconds(50));
            }
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();
}
