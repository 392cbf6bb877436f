using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ChoriaDashboard.Ingest.Connection;

/// <summary>
/// Checks TLS files before the app starts, so a wrong path or a key that does not match fails at once with the name of
/// the setting and the file, not later as a connection error. Messages never include file contents.
/// </summary>
public static class TlsMaterial
{
    /// <summary>Checks a CA bundle: readable and holding at least one PEM certificate.</summary>
    public static void CheckCa(string setting, string path, List<string> errors)
    {
        if (!CheckReadable(setting, path, errors))
        {
            return;
        }

        try
        {
            var bundle = new X509Certificate2Collection();
            bundle.ImportFromPemFile(path);
            if (bundle.Count == 0)
            {
                errors.Add($"{setting} '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
            }

            foreach (var certificate in bundle)
            {
                certificate.Dispose();
            }
        }
        catch (CryptographicException e)
        {
            errors.Add($"{setting} '{path}' is not a readable PEM certificate: {e.Message}");
        }
    }

    /// <summary>Checks a client certificate and its key load together; returns when the certificate expires.</summary>
    public static DateTimeOffset? CheckClientCertificate(string certSetting, string certPath, string keySetting, string keyPath, List<string> errors)
    {
        var certReadable = CheckReadable(certSetting, certPath, errors);
        var keyReadable = CheckReadable(keySetting, keyPath, errors);
        if (!certReadable || !keyReadable)
        {
            return null;
        }

        try
        {
            using var certificate = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            if (!certificate.HasPrivateKey)
            {
                errors.Add($"{keySetting} '{keyPath}' gives no private key for {certSetting} '{certPath}'.");
            }

            return new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            errors.Add($"{keySetting} '{keyPath}' does not load as the private key of {certSetting} '{certPath}': {e.Message}");
            return null;
        }
    }

    /// <summary>Checks an NKey seed file holds a user seed the NATS library accepts; never repeats its content.</summary>
    /// <returns>The seed and its public key, or null.</returns>
    public static (string Seed, string PublicKey)? LoadNKeySeed(string setting, string path, List<string> errors)
    {
        if (!CheckReadable(setting, path, errors))
        {
            return null;
        }

        var seed = File.ReadAllLines(path).Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("SU", StringComparison.Ordinal));
        try
        {
            using var pair = NATS.NKeys.KeyPair.FromSeed(seed ?? throw new FormatException());
            return (seed, pair.GetPublicKey());
        }
        catch (Exception e) when (e is FormatException or NATS.NKeys.NKeysException or ArgumentException or IndexOutOfRangeException)
        {
            errors.Add($"{setting} '{path}' holds no valid NKey user seed (a line starting with SU).");
            return null;
        }
    }

    /// <summary>
    /// Checks a NATS credentials file holds a user JWT block (<c>-----BEGIN NATS USER JWT-----</c>) whose token has three
    /// parts, and a user seed the NATS library accepts; never repeats its content.
    /// </summary>
    /// <returns>True when both parts are there.</returns>
    public static bool CheckCredsFile(string setting, string path, List<string> errors)
    {
        if (!CheckReadable(setting, path, errors))
        {
            return false;
        }

        var lines = File.ReadAllLines(path).Select(l => l.Trim()).ToArray();
        var begin = Array.FindIndex(lines, l => l.Contains("BEGIN NATS USER JWT", StringComparison.Ordinal));
        var jwt = begin >= 0 ? lines.Skip(begin + 1).FirstOrDefault(l => l.Length > 0) : null;
        if (jwt is null || jwt.Split('.').Length != 3)
        {
            errors.Add($"{setting} '{path}' holds no NATS user JWT (a '-----BEGIN NATS USER JWT-----' block, as nsc writes it).");
            return false;
        }

        var seed = lines.FirstOrDefault(l => l.StartsWith("SU", StringComparison.Ordinal));
        try
        {
            using var pair = NATS.NKeys.KeyPair.FromSeed(seed ?? throw new FormatException());
            return true;
        }
        catch (Exception e) when (e is FormatException or NATS.NKeys.NKeysException or ArgumentException or IndexOutOfRangeException)
        {
            errors.Add($"{setting} '{path}' holds no valid NKey user seed (a '-----BEGIN USER NKEY SEED-----' block with a line starting with SU).");
            return false;
        }
    }

    /// <summary>True when the file exists and this process may read it; otherwise adds why not.</summary>
    public static bool CheckReadable(string setting, string path, List<string> errors)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            errors.Add($"{setting} '{path}' does not exist.");
        }
        catch (UnauthorizedAccessException)
        {
            errors.Add($"{setting} '{path}' cannot be read by this user (check its permissions).");
        }
        catch (IOException e)
        {
            errors.Add($"{setting} '{path}' cannot be read: {e.Message}");
        }

        return false;
    }
}
