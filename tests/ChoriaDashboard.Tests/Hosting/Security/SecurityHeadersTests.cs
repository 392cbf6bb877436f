using ChoriaDashboard.Hosting.Security;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting.Security;

/// <summary>The policies as computed at start: the page policy's sources, the sign-in provider in form-action, X-Frame-Options in step.</summary>
public sealed class SecurityHeadersTests
{
    private const string DefaultPagePolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

    [Fact]
    public void Create_Defaults_ArePagePolicyAndSameOriginFrames()
    {
        var headers = SecurityHeaders.Create(new SecurityOptions(), Config());

        Assert.Equal(DefaultPagePolicy, headers.PagePolicy);
        Assert.Equal("SAMEORIGIN", headers.FrameOptions);
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", SecurityHeaders.ResourcePolicy);
    }

    [Fact]
    public void Create_OpenIdConnectSignIn_AllowsFormsToTheProvidersOrigin()
    {
        var headers = SecurityHeaders.Create(new SecurityOptions(), Config(("Auth:Mode", "openidconnect"), ("Auth:OpenIdConnect:Authority", "https://id.example.com:8443/realms/ops")));

        Assert.Contains("; form-action 'self' https://id.example.com:8443; ", headers.PagePolicy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BrowserToken", "https://id.example.com")]
    [InlineData("OpenIdConnect", null)]
    [InlineData("OpenIdConnect", "not a url")]
    [InlineData("OpenIdConnect", "javascript:alert(1)")]
    public void Create_NoUsableProvider_FormActionIsSelfOnly(string mode, string? authority)
    {
        var headers = SecurityHeaders.Create(new SecurityOptions(), Config(("Auth:Mode", mode), ("Auth:OpenIdConnect:Authority", authority)));

        Assert.Contains("; form-action 'self'; ", headers.PagePolicy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'self'", "SAMEORIGIN")]
    [InlineData("'none'", "DENY")]
    [InlineData("'NONE'", "DENY")]
    [InlineData("'self' https://portal.example.com", null)]
    [InlineData("https://portal.example.com", null)]
    public void Create_FrameAncestors_GoIntoThePolicyAndFrameOptionsOnlyWhenEquivalent(string frameAncestors, string? frameOptions)
    {
        var headers = SecurityHeaders.Create(new SecurityOptions { FrameAncestors = frameAncestors }, Config());

        Assert.EndsWith("; frame-ancestors " + frameAncestors, headers.PagePolicy, StringComparison.Ordinal);
        Assert.Equal(frameOptions, headers.FrameOptions);
    }

    private static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
