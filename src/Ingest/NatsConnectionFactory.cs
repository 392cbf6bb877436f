using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace ChoriaDashboard.Ingest;

/// <summary>Builds the NATS client options from <see cref="NatsOptions"/>.</summary>
public static class NatsConnectionFactory
{
    public static NatsOpts CreateOpts(NatsOptions settings, ILoggerFactory loggerFactory) => NatsOpts.Default with
    {
        Url = settings.Url,
        Name = settings.ClientName,
        LoggerFactory = loggerFactory,
        ConnectTimeout = settings.ConnectTimeout,
        RetryOnInitialConnect = true,
        // Keep reconnecting for ever: the dashboard outlives broker restarts.
        MaxReconnectRetry = -1,
        SubPendingChannelCapacity = settings.PendingMessagesLimit,
        SubPendingChannelFullMode = System.Threading.Channels.BoundedChannelFullMode.DropNewest,
        AuthOpts = NatsAuthOpts.Default with
        {
            Username = settings.User,
            Password = settings.Password,
            Token = settings.Token,
        },
    };
}
