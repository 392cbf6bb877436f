using System.Net.Security;
using ChoriaDashboard.Ingest.Connection;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace ChoriaDashboard.Ingest;

/// <summary>Builds the NATS client options from <see cref="NatsOptions"/> and the resolved <see cref="BrokerConnectionSettings"/>.</summary>
public static class NatsConnectionFactory
{
    public static NatsOpts CreateOpts(NatsOptions settings, ILoggerFactory loggerFactory) =>
        CreateOpts(settings, BrokerConnectionResolver.Resolve(settings, out _), loggerFactory);

    /// <param name="connectionRefused">
    /// Told why, when a connection attempt is refused before it reaches the broker: the broker's certificate fails
    /// verification, or a credential file read again for the attempt is unusable.
    /// </param>
    public static NatsOpts CreateOpts(NatsOptions settings, BrokerConnectionSettings connection, ILoggerFactory loggerFactory, Action<string>? connectionRefused = null)
    {
        var credentials = new RotatingCredentials(connection, connectionRefused);
        return NatsOpts.Default with
        {
            Url = connection.Url,
            Name = settings.ClientName,
            LoggerFactory = loggerFactory,
            ConnectTimeout = settings.ConnectTimeout,
            RetryOnInitialConnect = true,
            // Keep reconnecting for ever: the dashboard outlives broker restarts.
            MaxReconnectRetry = -1,
            SubPendingChannelCapacity = settings.PendingMessagesLimit,
            SubPendingChannelFullMode = System.Threading.Channels.BoundedChannelFullMode.DropNewest,
            InboxPrefix = connection.InboxPrefix ?? NatsOpts.Default.InboxPrefix,
            AuthOpts = credentials.FromFiles
                ? NatsAuthOpts.Default with
                {
                    Username = connection.User,
                    Password = connection.Password,
                    // The client sends this as auth_token and reads it once, when the connection is made: a Choria
                    // token replaced on disk goes out as the user JWT (with the nonce signed by the seed) only.
                    Token = connection.Token,
                    AuthCredCallback = credentials.AuthenticateAsync,
                }
                : NatsAuthOpts.Default with
                {
                    Username = connection.User,
                    Password = connection.Password,
                    Token = connection.Token,
                },
            TlsOpts = CreateTlsOpts(connection, credentials, connectionRefused),
        };
    }

    private static NatsTlsOpts CreateTlsOpts(BrokerConnectionSettings connection, RotatingCredentials credentials, Action<string>? connectionRefused)
    {
        if (connection.Tls is null && !connection.InsecureSkipVerify)
        {
            // Plain unless the URL says tls:// or the broker asks for TLS, as the client does by default.
            return NatsTlsOpts.Default;
        }

        return NatsTlsOpts.Default with
        {
            Mode = TlsMode.Require,
            CaFile = connection.Tls?.CaFile,
            CertFile = connection.Tls?.CertFile,
            KeyFile = connection.Tls?.KeyFile,
            InsecureSkipVerify = connection.InsecureSkipVerify,
            ConfigureClientAuthentication = options =>
            {
                // The client verifies against the CA file; we only listen in, to say why a broker was refused.
                var verify = options.RemoteCertificateValidationCallback;
                options.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                {
                    var accepted = verify?.Invoke(sender, certificate, chain, errors) ?? errors == SslPolicyErrors.None;
                    if (!accepted)
                    {
                        connectionRefused?.Invoke(errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
                            ? BrokerFailureReason.BrokerNameMismatch
                            : BrokerFailureReason.BrokerCertificateNotTrusted);
                    }

                    return accepted;
                };
                credentials.ClientCertificateLoaded(options);
                return ValueTask.CompletedTask;
            },
        };
    }
}
