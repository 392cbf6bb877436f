using ChoriaDashboard.Hosting.SignIn;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting.SignIn;

public sealed class AuthOptionsValidatorTests
{
    private readonly AuthOptionsValidator _validator = new();

    [Fact]
    public void Validate_Defaults_Pass() => Assert.True(_validator.Validate(null, new AuthOptions()).Succeeded);

    [Fact]
    public void Validate_ShortSecrets_FailNamingTheSettingButNeverTheSecret()
    {
        var options = new AuthOptions
        {
            BrowserToken = "short-browser",
            ApiKeys = [new ApiKeySettings { Name = "ci", Key = "short-api-key" }],
            WallTokens = [new WallTokenSettings { Name = "lobby", Token = "short-wall" }],
        };

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Auth:BrowserToken must be at least 16 characters.", result.Failures!);
        Assert.Contains("Auth:ApiKeys:0:Key ('ci') must be at least 16 characters.", result.Failures!);
        Assert.Contains("Auth:WallTokens:0:Token ('lobby') must be at least 16 characters.", result.Failures!);
        Assert.DoesNotContain(result.Failures!, f => f.Contains("short-", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DuplicateOrMissingNames_Fail()
    {
        var options = new AuthOptions
        {
            ApiKeys =
            [
                new ApiKeySettings { Name = "ci", Key = "0123456789abcdef-1" },
                new ApiKeySettings { Name = "ci", Key = "0123456789abcdef-2" },
                new ApiKeySettings { Name = "", Key = "0123456789abcdef-3" },
            ],
        };

        var result = _validator.Validate(null, options);

        Assert.Contains("Auth:ApiKeys: the name 'ci' is used twice.", result.Failures!);
        Assert.Contains("Auth:ApiKeys:2:Name is required.", result.Failures!);
    }

    [Fact]
    public void Validate_OneSecretForTwoKindsOfAccess_Fails()
    {
        // A wall link shown on a lobby screen must not also open everything as a browser token or an API key.
        const string shared = "shared-secret-0123456789";
        var options = new AuthOptions
        {
            BrowserToken = shared,
            ApiKeys = [new ApiKeySettings { Name = "ci", Key = shared }],
            WallTokens = [new WallTokenSettings { Name = "lobby", Token = shared }, new WallTokenSettings { Name = "noc", Token = "noc-token-0123456789abcdef" }],
        };

        var result = _validator.Validate(null, options);

        Assert.Contains("Auth:BrowserToken and Auth:ApiKeys ('ci') and Auth:WallTokens ('lobby') have the same secret: each must be different.", result.Failures!);
        Assert.DoesNotContain(result.Failures!, f => f.Contains(shared, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, "dashboard", true, "Auth:OpenIdConnect:Authority must be the provider's absolute https URL when Auth:Mode is OpenIdConnect.")]
    [InlineData("http://login.example", "dashboard", true, "Auth:OpenIdConnect:Authority is plain http: use https, or set Auth:OpenIdConnect:RequireHttpsMetadata=false for a test provider.")]
    [InlineData("https://login.example", "", true, "Auth:OpenIdConnect:ClientId is required when Auth:Mode is OpenIdConnect.")]
    public void Validate_OpenIdConnectIncomplete_FailsNamingTheSetting(string? authority, string clientId, bool requireHttps, string message)
    {
        var options = new AuthOptions
        {
            Mode = AuthMode.OpenIdConnect,
            OpenIdConnect = new() { Authority = authority, ClientId = clientId, RequireHttpsMetadata = requireHttps },
        };

        Assert.Contains(message, _validator.Validate(null, options).Failures!);
    }

    [Fact]
    public void Validate_RequiredClaimTypeWithoutValue_Fails()
    {
        var options = new AuthOptions
        {
            Mode = AuthMode.OpenIdConnect,
            OpenIdConnect = new() { Authority = "https://login.example", ClientId = "dashboard", RequiredClaim = new() { Type = "groups" } },
        };

        Assert.Contains("Auth:OpenIdConnect:RequiredClaim needs both Type and Value, or neither.", _validator.Validate(null, options).Failures!);
    }

    [Fact]
    public void Validate_OpenIdConnectSettingsInAnotherMode_AreNotRequired() =>
        Assert.True(_validator.Validate(null, new AuthOptions { Mode = AuthMode.BrowserToken, OpenIdConnect = new() }).Succeeded);

    [Fact]
    public void Validate_KeysDirectoryUnwritable_FailsNamingIt()
    {
        var file = Path.GetTempFileName();
        try
        {
            var result = _validator.Validate(null, new AuthOptions { KeysDirectory = Path.Combine(file, "keys") });

            Assert.Contains(result.Failures!, f => f.StartsWith("Auth:KeysDirectory: cannot create or write the folder", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
