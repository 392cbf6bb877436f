using System.Net;
using System.Net.Sockets;

namespace ChoriaDashboard.Hosting.Security;

/// <summary>Who a request counts against for the per-client limits: its signed-in name, else its address.</summary>
/// <remarks>
/// Behind a reverse proxy every request comes from the proxy's address unless the forwarded headers are applied
/// (<c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c>, see the README), and then every browser shares one client's limits.
/// </remarks>
public static class ClientKey
{
    /// <summary>
    /// <c>user:NAME</c> for a request signed in by a provider or an API key, else <c>ip:ADDRESS</c> (<c>ip:unknown</c> when the server has none). An
    /// IPv6 address counts by its /64 network: one host is usually given a whole /64 and could take a new address for
    /// every request.
    /// </summary>
    public static string Of(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } && NamesOnePerson(context.User)
            ? "user:" + name
            : "ip:" + Network(context.Connection.RemoteIpAddress);

    /// <summary>
    /// Whether the sign-in's name belongs to one client: a provider's user or an API key. Everyone who used the browser
    /// token is "browser", every screen of a wall token has its name, and in Unsecured mode all are "anonymous": those
    /// count by address, or they would all share one allowance.
    /// </summary>
    private static bool NamesOnePerson(System.Security.Claims.ClaimsPrincipal user) =>
        user.FindFirst(Components.DashboardClaims.Method)?.Value is Components.DashboardClaims.OpenIdConnectMethod or Components.DashboardClaims.ApiKeyMethod;

    private static string Network(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
