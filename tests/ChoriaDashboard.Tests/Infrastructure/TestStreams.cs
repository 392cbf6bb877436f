using ChoriaDashboard.Events;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace ChoriaDashboard.Tests.Infrastructure;

/// <summary>Choria Streams on the test nats-server: the two streams Choria keeps events in, created fresh for a test.</summary>
public static class TestStreams
{
    /// <summary>Deletes and creates <c>CHORIA_EVENTS</c> and <c>CHORIA_MACHINE</c> (empty), as Choria Streams configures them.</summary>
    public static async Task RecreateAsync(string url)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = url, Name = "test-streams" });
        var js = new NatsJSContext(connection);
        foreach (var (name, subjects) in new[] { (ChoriaStreams.Events, ChoriaStreams.EventsSubjects), (ChoriaStreams.Machine, ChoriaStreams.MachineSubjects) })
        {
            try
            {
                await js.DeleteStreamAsync(name);
            }
            catch (NatsJSApiException e) when (e.Error.Code == 404)
            {
            }

            await js.CreateStreamAsync(new StreamConfig(name, [subjects]) { MaxAge = TimeSpan.FromDays(1) });
        }
    }

    /// <summary>Deletes both streams, if there.</summary>
    public static async Task DeleteAsync(string url)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = url, Name = "test-streams" });
        var js = new NatsJSContext(connection);
        foreach (var name in new[] { ChoriaStreams.Events, ChoriaStreams.Machine })
        {
            try
            {
                await js.DeleteStreamAsync(name);
            }
            catch (NatsJSApiException e) when (e.Error.Code == 404)
            {
            }
        }
    }

    /// <summary>Deletes every consumer on <paramref name="stream"/> there is now; returns how many it deleted.</summary>
    public static async Task<int> DeleteConsumersAsync(string url, string stream)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = url, Name = "test-streams" });
        var js = new NatsJSContext(connection);
        var deleted = 0;
        try
        {
            await foreach (var name in js.ListConsumerNamesAsync(stream))
            {
                try
                {
                    deleted += await js.DeleteConsumerAsync(stream, name) ? 1 : 0;
                }
                catch (NatsJSApiException e) when (e.Error.Code == 404)
                {
                    // Gone by itself meanwhile (an ordered consumer is deleted after each pull).
                }
            }
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
        }

        return deleted;
    }

    /// <summary>Messages stored in a stream now; null when there is no such stream.</summary>
    public static async Task<long?> MessagesAsync(string url, string stream)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = url, Name = "test-streams" });
        var js = new NatsJSContext(connection);
        try
        {
            return (await js.GetStreamAsync(stream)).Info.State.Messages;
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            return null;
        }
    }
}
