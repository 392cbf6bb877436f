using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NATS.NKeys;

namespace ChoriaDashboard.Ingest.Connection;

/// <summary>What the <c>choria</c> security provider connects with: its JWT, its ed25519 seed as an NKey seed, its reply inbox.</summary>
/// <param name="Token">The JWT; secret.</param>
/// <param name="NKeySeed">The seed of the seed file, as the NKey user seed the NATS client signs nonces with; secret.</param>
/// <param name="InboxPrefix"><c>&lt;collective&gt;.reply.&lt;md5 of the caller&gt;</c>, the only replies the broker lets this token receive.</param>
/// <param name="ExpiresAt">The token's <c>exp</c> claim, when it has one: a Choria broker refuses the token after it.</param>
/// <param name="TokenFile">Where the token was read, to read it again when it is replaced on disk.</param>
/// <param name="SeedFile">Where the seed was read.</param>
public sealed record ChoriaJwtCredentials(string Token, string NKeySeed, string InboxPrefix, DateTimeOffset? ExpiresAt = null, string TokenFile = "", string SeedFile = "")
{
    // Secrets: a record would print them.
    public override string ToString() => $"Choria token {TokenFile} (expires {ExpiresAt:u}), seed {SeedFile}";
}

/// <summary>
/// Reads the token and seed files of the <c>choria</c> security provider as go-choria's client does
/// (<c>tokens.NatsConnectionHelpers</c>): the token is sent as user JWT and as token, the nonce is signed with the seed.
/// </summary>
public static class ChoriaJwt
{
    /// <summary>go-choria's purposes of a token that may connect, with the claim that names who connects.</summary>
    private static readonly Dictionary<string, string> IdentityClaims = new(StringComparer.Ordinal)
    {
        ["choria_client_id"] = "callerid",
        ["choria_server"] = "identity",
    };

    /// <summary>The credentials, or null with the problems added to <paramref name="errors"/>, naming key and file, never a secret.</summary>
    public static ChoriaJwtCredentials? Load(ChoriaClientConfig config, List<string> errors)
    {
        var tokenFile = Required(config, ChoriaClientConfig.ChoriaTokenFile, errors);
        var seedFile = Required(config, ChoriaClientConfig.ChoriaSeedFile, errors);
        var token = tokenFile is null ? null : ReadToken($"{ChoriaClientConfig.ChoriaTokenFile} in {config.Path}", tokenFile, errors);
        var seed = seedFile is null ? null : ReadSeed($"{ChoriaClientConfig.ChoriaSeedFile} in {config.Path}", seedFile, errors);
        return token is null || seed is null
            ? null
            : new ChoriaJwtCredentials(token.Value.Jwt, seed, $"{Collective(config)}.reply.{UniqueId(token.Value.Identity)}", token.Value.ExpiresAt, tokenFile!, seedFile!);
    }

    /// <summary>
    /// Reads the token and seed files again, for files replaced on disk since <paramref name="current"/> was read; null
    /// with the problems added to <paramref name="errors"/>. A token for another caller is refused: replies go to the
    /// inbox of the caller the connection started with.
    /// </summary>
    public static ChoriaJwtCredentials? Reload(ChoriaJwtCredentials current, List<string> errors)
    {
        var token = ReadToken(ChoriaClientConfig.ChoriaTokenFile, current.TokenFile, errors);
        var seed = ReadSeed(ChoriaClientConfig.ChoriaSeedFile, current.SeedFile, errors);
        if (token is null || seed is null)
        {
            return null;
        }

        if (!current.InboxPrefix.EndsWith("." + UniqueId(token.Value.Identity), StringComparison.Ordinal))
        {
            errors.Add($"{ChoriaClientConfig.ChoriaTokenFile} '{current.TokenFile}' now holds a token for another caller than the one the dashboard started with; restart the dashboard to connect as it.");
            return null;
        }

        return current with { Token = token.Value.Jwt, NKeySeed = seed, ExpiresAt = token.Value.ExpiresAt };
    }

    /// <summary>
    /// Choria's main collective: <c>main_collective</c>, else the first of <c>collectives</c>, else <c>choria</c>
    /// (go-choria's default for this provider).
    /// </summary>
    public static string Collective(ChoriaClientConfig config) =>
        config[ChoriaClientConfig.MainCollective]
        ?? (config[ChoriaClientConfig.Collectives] ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
        ?? "choria";

    /// <summary>go-choria's unique id of a caller or server identity: the hex MD5 of it (its non-FIPS build).</summary>
#pragma warning disable CA5351 // Not a security use: it must equal the inbox name go-choria and the broker derive.
    public static string UniqueId(string identity) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(identity)));
#pragma warning restore CA5351

    private static (string Jwt, string Identity, DateTimeOffset? ExpiresAt)? ReadToken(string name, string path, List<string> errors)
    {
        if (!TlsMaterial.CheckReadable(name, path, errors))
        {
            return null;
        }

        var jwt = File.ReadAllText(path).Trim();
        var parts = jwt.Split('.');
        try
        {
            if (parts.Length != 3 || parts[2].Length == 0)
            {
                throw new FormatException();
            }

            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
            using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            var purpose = claims.RootElement.TryGetProperty("purpose", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";
            if (!IdentityClaims.TryGetValue(purpose, out var claim)
                || !claims.RootElement.TryGetProperty(claim, out var identity)
                || identity.ValueKind != JsonValueKind.String
                || identity.GetString() is not { Length: > 0 } id)
            {
                errors.Add($"{name} '{path}' holds a JWT that is not a Choria client or server token (purpose choria_client_id with a callerid, or choria_server with an identity).");
                return null;
            }

            // exp is seconds since the epoch (RFC 7519); a token without one, or with a value out of range, never expires here.
            DateTimeOffset? expiresAt = claims.RootElement.TryGetProperty("exp", out var exp) && exp.ValueKind == JsonValueKind.Number
                && exp.TryGetInt64(out var seconds) && seconds is > 0 and < 253_402_300_799
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
            return (jwt, id, expiresAt);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            errors.Add($"{name} '{path}' does not hold a JWT.");
            return null;
        }
    }

    private static string? ReadSeed(string name, string path, List<string> errors)
    {
        if (!TlsMaterial.CheckReadable(name, path, errors))
        {
            return null;
        }

        byte[] seed;
        try
        {
            seed = Convert.FromHexString(File.ReadAllText(path).Trim());
        }
        catch (FormatException)
        {
            seed = [];
        }

        if (seed.Length != 32)
        {
            errors.Add($"{name} '{path}' does not hold an ed25519 seed (64 hex digits, as Choria writes it).");
            return null;
        }

        try
        {
            // NATS.NKeys makes a pair only from random bytes or an encoded seed: hand it the seed as its "random" bytes.
            using var pair = KeyPair.CreatePair(PrefixByte.User, new FixedBytes(seed));
            return pair.GetSeed();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    private static string? Required(ChoriaClientConfig config, string key, List<string> errors)
    {
        var value = config[key];
        if (value is null)
        {
            errors.Add($"{key} is not set in {config.Path}: the choria security provider needs it.");
        }

        return value;
    }

    /// <summary>Gives back the same bytes when asked for random ones.</summary>
    private sealed class FixedBytes(byte[] bytes) : RandomNumberGenerator
    {
        public override void GetBytes(byte[] data) => GetBytes(data.AsSpan());

        public override void GetBytes(Span<byte> data)
        {
            if (data.Length != bytes.Length)
            {
                throw new CryptographicException("NATS.NKeys asked for a seed of an unexpected length.");
            }

            bytes.CopyTo(data);
        }
    }
}
