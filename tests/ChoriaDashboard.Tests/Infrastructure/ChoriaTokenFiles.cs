using System.Security.Cryptography;
using System.Text;

namespace ChoriaDashboard.Tests.Infrastructure;

/// <summary>A Choria token file and seed file as <c>choria jwt</c> writes them: the JWT, and the ed25519 seed in hex.</summary>
public static class ChoriaTokenFiles
{
    /// <summary>A fresh random 32-byte ed25519 seed.</summary>
    public static byte[] NewSeed() => RandomNumberGenerator.GetBytes(32);

    /// <summary>A well-formed JWT with these claims; the client never checks its signature, the broker does.</summary>
    public static string Jwt(string claimsJson) =>
        $"{Part("""{"alg":"EdDSA","typ":"JWT"}""")}.{Part(claimsJson)}.{Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}";

    /// <summary>A client token for <paramref name="callerId"/>, as a Choria client's.</summary>
    public static string ClientJwt(string callerId) =>
        Jwt($$"""{"purpose":"choria_client_id","callerid":"{{callerId}}","exp":{{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}}}""");

    /// <summary>Writes the token file and the seed file (hex, as Choria does) into <paramref name="dir"/>.</summary>
    public static (string TokenFile, string SeedFile) Write(string dir, string jwt, byte[] seed)
    {
        var tokenFile = Path.Combine(dir, "client.jwt");
        var seedFile = Path.Combine(dir, "client.seed");
        File.WriteAllText(tokenFile, jwt);
        File.WriteAllText(seedFile, Convert.ToHexStringLower(seed));
        return (tokenFile, seedFile);
    }

    private static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
