using System.Security.Cryptography;
using System.Text;

namespace ChoriaDashboard.Hosting.SignIn;

/// <summary>Comparing presented secrets with configured ones without telling an attacker how close a guess came.</summary>
internal static class Secrets
{
    /// <summary>
    /// Whether <paramref name="presented"/> equals <paramref name="expected"/>, in time that depends on neither (both
    /// are hashed first, so even their lengths stay hidden). Null or empty never matches.
    /// </summary>
    public static bool Matches(string? presented, string? expected)
    {
        if (string.IsNullOrEmpty(presented) || string.IsNullOrEmpty(expected))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Hash(presented), Hash(expected));
    }

    /// <summary>
    /// A digest of a secret (hex SHA-256) to keep in a sign-in cookie, so the cookie can be checked against the
    /// configured secret later without holding it.
    /// </summary>
    public static string Digest(string secret) => Convert.ToHexStringLower(Hash(secret));

    /// <summary>A new random token: 32 bytes, base64url (43 characters).</summary>
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
