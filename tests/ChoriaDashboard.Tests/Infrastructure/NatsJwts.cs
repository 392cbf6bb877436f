using System.Security.Cryptography;
using System.Text;
using NATS.NKeys;

namespace ChoriaDashboard.Tests.Infrastructure;

/// <summary>
/// NATS operator-mode JWTs as <c>nsc</c> issues them (header <c>ed25519-nkey</c>, claims version 2, signed by the
/// issuer's NKey), and the credentials file that pairs a user JWT with its seed, so a test can run a real nats-server
/// in operator mode without nsc.
/// </summary>
public static class NatsJwts
{
    private const string Header = """{"typ":"JWT","alg":"ed25519-nkey"}""";

    /// <summary>The self-signed operator JWT.</summary>
    public static string Operator(KeyPair op) =>
        Sign(op, op.GetPublicKey(), "test-operator", """{"type":"operator","version":2}""");

    /// <summary>An account JWT issued by <paramref name="op"/>, without limits.</summary>
    public static string Account(KeyPair op, KeyPair account) =>
        Sign(op, account.GetPublicKey(), "test-account", """{"limits":{"subs":-1,"data":-1,"payload":-1,"imports":-1,"exports":-1,"wildcards":true,"conn":-1,"leaf":-1},"default_permissions":{"pub":{},"sub":{}},"type":"account","version":2}""");

    /// <summary>A user JWT issued by <paramref name="account"/>, allowed everything the account allows.</summary>
    public static string User(KeyPair account, KeyPair user) =>
        Sign(account, user.GetPublicKey(), "dashboard", """{"pub":{},"sub":{},"subs":-1,"data":-1,"payload":-1,"type":"user","version":2}""");

    /// <summary>The text of a <c>.creds</c> file as nsc writes it.</summary>
    public static string CredsFile(string userJwt, KeyPair user) => $"""
        -----BEGIN NATS USER JWT-----
        {userJwt}
        ------END NATS USER JWT------

        ************************* IMPORTANT *************************
        NKEY Seed printed below can be used to sign and prove identity.
        NKEYs are sensitive and should be treated as secrets.

        -----BEGIN USER NKEY SEED-----
        {user.GetSeed()}
        ------END USER NKEY SEED------

        *************************************************************
        """;

    private static string Sign(KeyPair issuer, string subject, string name, string nats)
    {
        var claims = $$"""{"jti":"{{Convert.ToHexString(RandomNumberGenerator.GetBytes(16))}}","iat":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}},"iss":"{{issuer.GetPublicKey()}}","name":"{{name}}","sub":"{{subject}}","nats":{{nats}}}""";
        var signed = $"{Part(Encoding.UTF8.GetBytes(Header))}.{Part(Encoding.UTF8.GetBytes(claims))}";
        var signature = new byte[64];
        issuer.Sign(Encoding.ASCII.GetBytes(signed), signature);
        return $"{signed}.{Part(signature)}";
    }

    private static string Part(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
