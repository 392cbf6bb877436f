using ChoriaDashboard.Hosting.Security;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting.Security;

/// <summary>When a browser's <c>Origin</c> is the dashboard's own host: host and port, the scheme left to a TLS-terminating proxy.</summary>
public sealed class RequestOriginsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080", "127.0.0.1:8080", "http", true)]
    [InlineData("http://LOCALHOST:8080", "localhost:8080", "http", true)]
    [InlineData("https://dash.example.com", "dash.example.com", "https", true)]
    [InlineData("https://dash.example.com:443", "dash.example.com", "https", true)]
    // Behind a proxy that terminates TLS: the browser is on https, the app gets plain http with the public Host.
    [InlineData("https://dash.example.com", "dash.example.com", "http", true)]
    [InlineData("https://dash.example.com", "dash.example.com:80", "http", true)]
    [InlineData("https://dash.example.com:8443", "dash.example.com:8443", "http", true)]
    [InlineData("http://[::1]:8080", "[::1]:8080", "http", true)]
    [InlineData("http://evil.example.com", "dash.example.com", "http", false)]
    [InlineData("http://127.0.0.1:8000", "127.0.0.1:8080", "http", false)]
    [InlineData("http://127.0.0.1", "127.0.0.1:8080", "http", false)]
    [InlineData("https://dash.example.com", "dash.example.com:8443", "https", false)]
    [InlineData("http://dash.example.com.evil.example", "dash.example.com", "http", false)]
    public void IsSameHost_OriginAgainstHost_ComparesHostAndPort(string origin, string host, string scheme, bool same)
    {
        Assert.True(RequestOrigins.TryParseOrigin(origin, out var uri));

        Assert.Equal(same, RequestOrigins.IsSameHost(uri, new HostString(host), scheme));
    }

    [Fact]
    public void IsSameHost_NoHostHeader_IsFalse()
    {
        Assert.True(RequestOrigins.TryParseOrigin("http://localhost", out var uri));

        Assert.False(RequestOrigins.IsSameHost(uri, default, "http"));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("")]
    [InlineData("file://")]
    [InlineData("https://a.example.com/path")]
    [InlineData("https://a.example.com?x=1")]
    [InlineData("not an origin")]
    public void TryParseOrigin_NotAnHttpOrigin_IsFalse(string value)
    {
        Assert.False(RequestOrigins.TryParseOrigin(value, out _));
    }

    [Theory]
    [InlineData("https://dash.example.com", "https://DASH.example.com:443/", true)]
    [InlineData("https://dash.example.com", "http://dash.example.com", false)]
    [InlineData("http://dash.example.com:8080", "http://dash.example.com:8081", false)]
    public void AreSame_TwoOrigins_CompareSchemeHostAndPort(string a, string b, bool same)
    {
        Assert.True(RequestOrigins.TryParseOrigin(a, out var first));
        Assert.True(RequestOrigins.TryParseOrigin(b, out var second));

        Assert.Equal(same, RequestOrigins.AreSame(first, second));
    }
}
