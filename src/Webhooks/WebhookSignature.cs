using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ChoriaDashboard.Webhooks;

/// <summary>
/// Standard Webhooks signing (https://www.standardwebhooks.com, "Signature scheme"): the signature is
/// <c>v1,</c> and the base64 HMAC-SHA256, keyed with the secret's bytes, of <c>{webhook-id}.{webhook-timestamp}.{body}</c>.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The prefix of a Standard Webhooks secret; base64 of the key follows.</summary>
    public const string SecretPrefix = "whsec_";

    public const string IdHeader = "webhook-id";

    public const string TimestampHeader = "webhook-timestamp";

    public const string SignatureHeader = "webhook-signature";

    /// <summary>The key of a <c>whsec_</c> secret; null when it is not one (no prefix, not base64).</summary>
    public static byte[]? DecodeSecret(string secret)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(secret[SecretPrefix.Length..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The <c>webhook-signature</c> value (<c>v1,&lt;base64&gt;</c>) of <paramref name="body"/>.</summary>
    /// <param name="key">The secret's bytes (<see cref="DecodeSecret"/>).</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c> sent with it: Unix seconds.</param>
    public static string Sign(byte[] key, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(CultureInfo.InvariantCulture)}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }
}
