using ChoriaDashboard.Events;
using NATS.Client.Core;

namespace ChoriaDashboard.Tests.Infrastructure;

/// <summary>Publishes to the test nats-server as Choria nodes would: typed events in a chosen shape, or raw bytes.</summary>
public sealed class TestPublisher : IAsyncDisposable
{
    private readonly NatsConnection _connection;

    public TestPublisher(string url) => _connection = new NatsConnection(new NatsOpts { Url = url, Name = "test-publisher" });

    /// <summary>A publisher with its own options (TLS, credentials) for brokers that ask for them.</summary>
    public TestPublisher(NatsOpts opts) => _connection = new NatsConnection(opts with { Name = "test-publisher" });

    public ValueTask PublishAsync(ChoriaEvent evt, WireFormat format) => PublishAsync(ChoriaEventEncoder.Encode(evt, format));

    public async ValueTask PublishAsync(WireMessage message)
    {
        NatsHeaders? headers = null;
        if (message.Headers is { } h)
        {
            headers = [];
            foreach (var (key, value) in h)
            {
                headers[key] = value;
            }
        }

        await _connection.PublishAsync(message.Subject, message.Body, headers);
    }

    public ValueTask PublishRawAsync(string subject, byte[] body, NatsHeaders? headers = null) =>
        _connection.PublishAsync(subject, body, headers);

    /// <summary>Waits until the server has everything published so far.</summary>
    public async Task FlushAsync() => await _connection.PingAsync();

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
