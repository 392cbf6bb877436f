using System.Net;
using System.Security.Claims;
using ChoriaDashboard.Components;
using ChoriaDashboard.Hosting.Security;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting.Security;

/// <summary>Who a request counts against: its signed-in name, else its address (an IPv6 host by its /64).</summary>
public sealed class ClientKeyTests
{
    [Theory]
    [InlineData(DashboardClaims.OpenIdConnectMethod, "user:alice")]
    [InlineData(DashboardClaims.ApiKeyMethod, "user:alice")]
    [InlineData(DashboardClaims.BrowserTokenMethod, "ip:10.0.0.1")]
    [InlineData(DashboardClaims.WallTokenMethod, "ip:10.0.0.1")]
    [InlineData(DashboardClaims.UnsecuredMethod, "ip:10.0.0.1")]
    public void Of_SignedInRequest_IsTheUserOnlyWhereTheNameIsOneClients(string method, string key)
    {
        // Everyone with the browser token is "browser", every screen of a wall token shares its name, and Unsecured
        // makes everyone "anonymous": by name they would all share one allowance.
        var context = Context("10.0.0.1");
        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice"), new Claim(DashboardClaims.Method, method)], "test"));

        Assert.Equal(key, ClientKey.Of(context));
    }

    [Fact]
    public void Of_IdentityWithANameButNotAuthenticated_IsTheAddress()
    {
        var context = Context("10.0.0.1");
        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")]));

        Assert.Equal("ip:10.0.0.1", ClientKey.Of(context));
    }

    [Theory]
    [InlineData("10.0.0.1", "ip:10.0.0.1")]
    [InlineData("::ffff:10.0.0.1", "ip:10.0.0.1")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "ip:2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "ip:2001:db8:1:2::/64")]
    [InlineData(null, "ip:unknown")]
    public void Of_AnonymousRequest_IsItsAddressOrNetwork(string? address, string key)
    {
        Assert.Equal(key, ClientKey.Of(Context(address)));
    }

    private static DefaultHttpContext Context(string? address)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = address is null ? null : IPAddress.Parse(address);
        return context;
    }
}
