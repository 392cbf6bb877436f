using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting.SignIn;

/// <summary>
/// Rules across the <c>Auth</c> settings. Messages name the setting, never a secret's value.
/// </summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Mode))
        {
            failures.Add($"Auth:Mode must be one of {string.Join(", ", Enum.GetNames<AuthMode>())}.");
        }

        if (!string.IsNullOrEmpty(options.BrowserToken) && options.BrowserToken.Trim().Length < AuthOptions.MinimumSecretLength)
        {
            failures.Add($"Auth:BrowserToken must be at least {AuthOptions.MinimumSecretLength} characters.");
        }

        if (options.Mode == AuthMode.OpenIdConnect)
        {
            ValidateOpenIdConnect(options.OpenIdConnect, failures);
        }

        ValidateSecrets("Auth:ApiKeys", "Key", options.ApiKeys.Select(k => (k.Name, k.Key)).ToList(), failures);
        ValidateSecrets("Auth:WallTokens", "Token", options.WallTokens.Select(t => (t.Name, t.Token)).ToList(), failures);

        // One secret, one kind of access: a wall link shown on a lobby screen must not also be a viewer's key.
        var secrets = new[] { ("Auth:BrowserToken", options.BrowserToken) }
            .Concat(options.ApiKeys.Select(k => ($"Auth:ApiKeys ('{k.Name}')", k.Key)))
            .Concat(options.WallTokens.Select(t => ($"Auth:WallTokens ('{t.Name}')", t.Token)))
            .Where(s => !string.IsNullOrWhiteSpace(s.Item2))
            .GroupBy(s => s.Item2!.Trim(), StringComparer.Ordinal)
            .Where(g => g.Count() > 1);
        foreach (var shared in secrets)
        {
            failures.Add($"{string.Join(" and ", shared.Select(s => s.Item1))} have the same secret: each must be different.");
        }

        if (!string.IsNullOrEmpty(options.KeysDirectory) && !CanWrite(options.KeysDirectory))
        {
            failures.Add($"Auth:KeysDirectory: cannot create or write the folder '{options.KeysDirectory}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateOpenIdConnect(OpenIdConnectSettings oidc, List<string> failures)
    {
        if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
        {
            failures.Add("Auth:OpenIdConnect:Authority must be the provider's absolute https URL when Auth:Mode is OpenIdConnect.");
        }
        else if (authority.Scheme == "http" && oidc.RequireHttpsMetadata)
        {
            failures.Add("Auth:OpenIdConnect:Authority is plain http: use https, or set Auth:OpenIdConnect:RequireHttpsMetadata=false for a test provider.");
        }

        if (string.IsNullOrWhiteSpace(oidc.ClientId))
        {
            failures.Add("Auth:OpenIdConnect:ClientId is required when Auth:Mode is OpenIdConnect.");
        }

        if (string.IsNullOrWhiteSpace(oidc.NameClaim))
        {
            failures.Add("Auth:OpenIdConnect:NameClaim must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(oidc.RequiredClaim.Type) != string.IsNullOrWhiteSpace(oidc.RequiredClaim.Value))
        {
            failures.Add("Auth:OpenIdConnect:RequiredClaim needs both Type and Value, or neither.");
        }
    }

    private static void ValidateSecrets(string setting, string secret, List<(string? Name, string? Secret)> entries, List<string> failures)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var (entryName, value) = entries[i];
            if (string.IsNullOrWhiteSpace(entryName))
            {
                failures.Add($"{setting}:{i}:Name is required.");
            }
            else if (!names.Add(entryName))
            {
                failures.Add($"{setting}: the name '{entryName}' is used twice.");
            }

            if (string.IsNullOrWhiteSpace(value) || value.Trim().Length < AuthOptions.MinimumSecretLength)
            {
                failures.Add($"{setting}:{i}:{secret} ('{entryName}') must be at least {AuthOptions.MinimumSecretLength} characters.");
            }
        }
    }

    private static bool CanWrite(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".write-check-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }
}
