using ChoriaDashboard.Hosting.Security;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting.Security;

/// <summary>The <c>Security</c> section's rules: frame-ancestors sources that cannot break the header, origins that are origins.</summary>
public sealed class SecurityOptionsValidatorTests
{
    [Fact]
    public void SecurityOptionsValidator_Defaults_Succeed()
    {
        Assert.True(new SecurityOptionsValidator().Validate(null, new SecurityOptions()).Succeeded);
    }

    [Theory]
    [InlineData("'self'")]
    [InlineData("'none'")]
    [InlineData("'self' https://portal.example.com")]
    [InlineData("  'self'   https://*.example.com:8443  ")]
    [InlineData("https:")]
    [InlineData("https://portal.example.com/wall/")]
    [InlineData("http://10.0.0.5:8080 http://[::1]:8080")]
    public void SecurityOptionsValidator_FrameAncestorsSources_Succeed(string value)
    {
        Assert.True(new SecurityOptionsValidator().Validate(null, new SecurityOptions { FrameAncestors = value }).Succeeded, value);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("self", "without single quotes")]
    [InlineData("'none' 'self'", "'none' stands alone")]
    [InlineData("'self'; script-src *", "not a CSP source")]
    [InlineData("https://a.example.com,https://b.example.com", "not a CSP source")]
    [InlineData("'unsafe-inline'", "not a CSP source")]
    [InlineData("https://a.example.com\r\nSet-Cookie:x=1", "not a CSP source")]
    public void SecurityOptionsValidator_FrameAncestorsNotSources_FailNamingTheKey(string value, string why)
    {
        var result = new SecurityOptionsValidator().Validate(null, new SecurityOptions { FrameAncestors = value });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Security:FrameAncestors", failure, StringComparison.Ordinal);
        Assert.Contains(why, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://dashboard.example.com", true)]
    [InlineData("http://10.0.0.5:8080", true)]
    [InlineData("https://dashboard.example.com/", true)]
    [InlineData("dashboard.example.com", false)]
    [InlineData("https://dashboard.example.com/wall", false)]
    [InlineData("https://user@dashboard.example.com", false)]
    [InlineData("ws://dashboard.example.com", false)]
    [InlineData("null", false)]
    public void SecurityOptionsValidator_AllowedOrigins_MustBeOrigins(string origin, bool ok)
    {
        var result = new SecurityOptionsValidator().Validate(null, new SecurityOptions { AllowedOrigins = [origin] });

        Assert.Equal(ok, result.Succeeded);
        if (!ok)
        {
            Assert.StartsWith("Security:AllowedOrigins", Assert.Single(result.Failures!), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    public void SecurityOptionsValidator_RefusalLogIntervalUnderOneSecond_Fails(int milliseconds)
    {
        var result = new SecurityOptionsValidator().Validate(null, new SecurityOptions { RefusalLogInterval = TimeSpan.FromMilliseconds(milliseconds) });

        Assert.StartsWith("Security:RefusalLogInterval", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }
}
