using Bunit;
using ChoriaDashboard.Ingest;
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
        Services.AddSingleton<Fleet.IFleetReader>(Store);
        Services.AddSingleton(new Fleet.Queries.NodeListCache(Store, 8));
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton(Monitor);
        Services.AddSingleton(Options.Create(new UiOptions { UpdateInterval = TimeSpan.FromMilliseconds(50) }));
    }

    protected FakeFleetStore Store { get; } = new();

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    protected BrokerConnectionMonitor Monitor => _monitor ??= new BrokerConnectionMonitor(Clock, Store);

    private BrokerConnectionMonitor? _monitor;

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();
}
