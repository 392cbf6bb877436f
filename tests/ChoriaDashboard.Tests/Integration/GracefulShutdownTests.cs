using System.Diagnostics;
using System.Globalization;
using ChoriaDashboard.Tests.Api.Hub;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>
/// SIGTERM, as <c>docker stop</c> or Kubernetes sends it, to the app running as its own process while events pour in and
/// a hub client streams the fleet: it stops cleanly, within the host's shutdown timeout, and says so.
/// </summary>
public sealed class GracefulShutdownTests(NatsServerFixture nats, ITestOutputHelper output) : IClassFixture<NatsServerFixture>
{
    private const int Nodes = 200;

    /// <summary>The .NET host's default <c>HostOptions.ShutdownTimeout</c>, which the app does not change.</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sigterm_UnderLoadWithHubClientOpen_ExitsZeroWithinShutdownTimeoutAndClosesTheBrokerConnection()
    {
        await using var app = AppProcess.Start(new Dictionary<string, string>
        {
            ["Nats__Url"] = nats.Url,
            ["Auth__Mode"] = "Unsecured",
            ["Logging__LogLevel__Default"] = "Information",
            ["Fleet__SweepInterval"] = "00:00:01",
        });
        await app.WaitReadyAsync(Timeout);
        using var http = new HttpClient { BaseAddress = app.Address };

        await using var publisher = new TestPublisher(nats.Url);
        for (var i = 0; i < Nodes; i++)
        {
            await publisher.PublishAsync(Startup(Identity(i)), (WireFormat)(i % 3));
        }

        await publisher.FlushAsync();
        using var stopLoad = new CancellationTokenSource();
        long published = 0;
        var load = Task.Run(async () =>
        {
            // About 2,000 alives a second, round the fleet, until the test has seen the app go.
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
            var i = 0;
            try
            {
                while (await timer.WaitForNextTickAsync(stopLoad.Token))
                {
                    for (var k = 0; k < 20; k++, i++)
                    {
                        await publisher.PublishAsync(Alive(Identity(i % Nodes)), (WireFormat)(i % 3));
                        Interlocked.Increment(ref published);
                    }
                }
            }
            catch (OperationCanceledException) when (stopLoad.IsCancellationRequested)
            {
                // The test has seen the app go and stopped the load.
            }
        });

        await using var client = await (await HubRecorder.ConnectAsync(app.Address)).StreamAsync();
        var before = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => f.GetProperty("totals").GetProperty("live").GetInt32() == Nodes && f.GetProperty("ingest").GetProperty("accepted").GetInt64() > Nodes * 2,
            Timeout,
            $"all {Nodes} nodes live and the alives flowing");

        var sw = Stopwatch.StartNew();
        app.Terminate();
        var exitCode = await app.WaitForExitAsync(ShutdownTimeout + TimeSpan.FromSeconds(30));
        var took = sw.Elapsed;
        await stopLoad.CancelAsync();
        await load;
        var log = app.Output;
        output.WriteLine($"SIGTERM → exit {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "(still running)"} after {took.TotalMilliseconds:0} ms; " +
            $"accepted {before.GetProperty("ingest").GetProperty("accepted").GetInt64():N0} events before the signal, {Interlocked.Read(ref published):N0} alives published in all");
        output.WriteLine(log);

        Assert.True(exitCode == 0, $"expected exit code 0 after SIGTERM, got {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none (still running)"}; output:\n{log}");
        Assert.True(took < ShutdownTimeout, $"expected the app to exit within the host's shutdown timeout ({ShutdownTimeout.TotalSeconds:0} s), took {took.TotalSeconds:0.0} s; output:\n{log}");
        var stopping = log.IndexOf("Application is shutting down", StringComparison.Ordinal);
        Assert.True(stopping >= 0, $"expected the host to log that it is shutting down; output:\n{log}");
        var stop = log[stopping..];
        Assert.Contains("Closed the connection to the broker", stop, StringComparison.Ordinal);
        var failures = stop.Split('\n').Where(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)).ToList();
        Assert.True(failures.Count == 0, $"expected no error logged while stopping, found:\n{string.Join('\n', failures)}\noutput:\n{log}");

        // The hub client's stream ended with the app (EndedAsync throws if it still runs), however it ended.
        _ = await client.EndedAsync();
    }
}
