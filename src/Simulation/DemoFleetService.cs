using ChoriaDashboard.Events;
using ChoriaDashboard.Ingest;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace ChoriaDashboard.Simulation;

/// <summary>
/// Publishes the demo fleet through the real NATS server, on its own connection, exactly as Choria nodes would:
/// the dashboard's ingest cannot tell it from a real fleet.
/// </summary>
public sealed class DemoFleetService(
    IOptions<DemoOptions> options,
    IOptions<NatsOptions> nats,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    ILogger<DemoFleetService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var demo = options.Value;
        await using var connection = new NatsConnection(NatsConnectionFactory.CreateOpts(nats.Value, loggerFactory) with { Name = $"{nats.Value.ClientName}-demo-fleet" });
        var fleet = new DemoFleet(demo, time.GetUtcNow());
        logger.LogInformation("Demo fleet of {Nodes} nodes publishing to {Url}, alive every {Interval}", demo.Nodes, NatsOptions.Redact(nats.Value.Url), demo.AliveInterval);

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250), time);
        try
        {
            do
            {
                foreach (var evt in fleet.Tick(time.GetUtcNow()))
                {
                    await PublishAsync(connection, evt, stoppingToken);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (NatsException e)
        {
            logger.LogError(e, "The demo fleet stopped publishing");
        }
    }

    internal static ValueTask PublishAsync(INatsConnection connection, ChoriaEvent evt, CancellationToken cancellationToken)
    {
        var message = ChoriaEventEncoder.Encode(evt, evt.Format);
        NatsHeaders? headers = null;
        if (message.Headers is { } h)
        {
            headers = [];
            foreach (var (key, value) in h)
            {
                headers[key] = value;
            }
        }

        return connection.PublishAsync(message.Subject, message.Body, headers, cancellationToken: cancellationToken);
    }
}
