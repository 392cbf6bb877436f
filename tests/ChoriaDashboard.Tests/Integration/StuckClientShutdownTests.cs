using System.Reflection;
using System.Runtime.ExceptionServices;
using ChoriaDashboard.Ingest;
using ChoriaDashboard.Tests.Cluster;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NATS.Client.Core;
using Xunit;
using Xunit.Abstractions;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>
/// The NATS client will not close its connection (as when a reconnect hangs on a dead socket): the ingest still stops once
/// the host's shutdown timeout runs out, and says why, instead of hanging for ever under <c>docker stop</c> until it is
/// killed.
/// </summary>
public sealed class StuckClientShutdownTests(NatsServerFixture nats, ITestOutputHelper output) : IClassFixture<NatsServerFixture>
{
    [Fact]
    public async Task IngestStop_NatsClientThatNeverCloses_EndsWhenTheShutdownTimeoutRunsOutAndSaysItGaveUp()
    {
        var release = new TaskCompletionSource();
        var log = default(AppLog);
        var stuck = default(StuckClose);
        await using var app = new DashboardFactory(nats.Url, services: s =>
        {
            log = AppLog.AddTo(s);
            var registered = s.Single(d => d.ServiceType == typeof(INatsConnection));
            s.Remove(registered);
            s.AddSingleton(sp =>
            {
                var proxy = StuckClose.Wrap((INatsConnection)registered.ImplementationFactory!(sp), release.Task);
                stuck = (StuckClose)(object)proxy;
                return proxy;
            });
        });
        try
        {
            using (var http = app.CreateClient())
            {
                await FleetApiIntegrationTests.WaitReadyAsync(http);
            }

            // The ingest is stopped as the host stops it, with the host's shutdown timeout as the token. (Stopping the
            // whole factory would not show it: its dispose returns before the app's own host has stopped.)
            var ingest = app.Services.GetServices<IHostedService>().OfType<NatsIngestService>().Single();
            using var shutdownTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var stopping = ingest.StopAsync(shutdownTimeout.Token);

            // A guard against the hang itself, far beyond the 2 s timeout; the test asserts that it ended, not how fast.
            var ended = await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromMinutes(1)));
            output.WriteLine(log!.Text());
            Assert.True(ended == stopping, "expected the ingest to stop although the NATS client never closed its connection");
            await stopping;
            Assert.True(stuck!.CloseAsked, "expected the app to have asked the client to close");
            Assert.Contains("Gave up closing the connection to the broker", log.Text(), StringComparison.Ordinal);
            Assert.DoesNotContain("Closed the connection to the broker", log.Text(), StringComparison.Ordinal);
        }
        finally
        {
            release.TrySetResult();
            if (stuck is not null)
            {
                await stuck.Inner.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// A real connection whose first close never finishes until the test releases it (later closes return at once, as the
    /// client's own do); everything else goes to the real connection.
    /// </summary>
    public class StuckClose : DispatchProxy
    {
        private Task _release = Task.CompletedTask;
        private int _closes;

        public INatsConnection Inner { get; private set; } = default!;

        public bool CloseAsked => Volatile.Read(ref _closes) > 0;

        public static INatsConnection Wrap(INatsConnection inner, Task release)
        {
            var proxy = Create<INatsConnection, StuckClose>();
            var stuck = (StuckClose)(object)proxy;
            stuck.Inner = inner;
            stuck._release = release;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IAsyncDisposable.DisposeAsync))
            {
                return Interlocked.Increment(ref _closes) == 1 ? new ValueTask(_release) : ValueTask.CompletedTask;
            }

            try
            {
                return targetMethod.Invoke(Inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }
        }
    }
}
