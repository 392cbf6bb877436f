using System.Net.Security;
using NATS.Client.Core;

namespace ChoriaDashboard.Ingest.Connection;

/// <summary>
/// Reads the credential files (NATS credentials, NKey seed, Choria token and seed) again at every connection attempt,
/// so a file replaced on disk is used at the next reconnect without restarting the dashboard. The NATS client reads
/// its own <c>CredsFile</c> and <c>NKeyFile</c> only once, at the first connection; its auth callback is asked each time.
/// </summary>
public sealed class RotatingCredentials(BrokerConnectionSettings settings, Action<string>? refused)
{
    /// <summary>Whether any credential comes from a file that can be replaced.</summary>
    public bool FromFiles => settings.CredsFile is not null || settings.NKeySeedFile is not null || settings.Choria is not null;

    /// <summary>The NATS client's <see cref="NatsAuthOpts.AuthCredCallback"/>: the files as they are now.</summary>
    public ValueTask<NatsAuthCred> AuthenticateAsync(Uri broker, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        if (settings.CredsFile is { } credsFile)
        {
            return TlsMaterial.CheckCredsFile("Nats:CredsFile", credsFile, errors)
                ? ValueTask.FromResult(NatsAuthCred.FromCredsFile(credsFile))
                : throw Refuse(errors);
        }

        if (settings.NKeySeedFile is { } seedFile)
        {
            return TlsMaterial.LoadNKeySeed("Nats:NKeySeedFile", seedFile, errors) is { } nkey
                ? ValueTask.FromResult(NatsAuthCred.FromNkey(nkey.Seed))
                : throw Refuse(errors);
        }

        var choria = ChoriaJwt.Reload(settings.Choria!, errors) ?? throw Refuse(errors);

        // Offered even when expired: the broker has the last word, and when it refuses, the status puts the refusal
        // down to the expiry of the token now on disk (BrokerConnectionMonitor reads this), not of the one read at start.
        settings.Expiry.Token = choria.ExpiresAt;
        return ValueTask.FromResult(NatsAuthCred.FromJwt(choria.Token, choria.NKeySeed));
    }

    /// <summary>
    /// Notes when the client certificate just loaded expires. The NATS client loads <c>CertFile</c> and <c>KeyFile</c>
    /// from disk at every TLS handshake, so a replaced pair is presented at the next reconnect.
    /// </summary>
    public void ClientCertificateLoaded(SslClientAuthenticationOptions options)
    {
        if (options.ClientCertificateContext?.TargetCertificate is { } certificate)
        {
            settings.Expiry.ClientCertificate = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        }
    }

    private NatsException Refuse(IReadOnlyList<string> errors)
    {
        var reason = string.Join(" ", errors);
        refused?.Invoke(reason);
        return new NatsException(reason);
    }
}
