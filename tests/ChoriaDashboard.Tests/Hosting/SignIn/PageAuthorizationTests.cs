using ChoriaDashboard.Components;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting.SignIn;

/// <summary>
/// Every routable component says who may see it, so a new page cannot slip out as "anyone signed in" through the
/// fallback policy: the wall for wall screens, everything else for viewers.
/// </summary>
public sealed class PageAuthorizationTests
{
    [Fact]
    public void RoutableComponents_Each_NameTheirPolicyOrAllowAnonymous()
    {
        var pages = typeof(DashboardPolicies).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t) && t.GetCustomAttributes(typeof(RouteAttribute), false).Length > 0)
            .ToList();
        Assert.True(pages.Count >= 6, $"found only {pages.Count} pages");

        var policies = pages.ToDictionary(
            t => ((RouteAttribute)t.GetCustomAttributes(typeof(RouteAttribute), false)[0]).Template,
            t => t.GetCustomAttributes(typeof(AllowAnonymousAttribute), true).Length > 0
                ? "anonymous"
                : string.Join(",", t.GetCustomAttributes(typeof(AuthorizeAttribute), true).Cast<AuthorizeAttribute>().Select(a => a.Policy)));

        Assert.Equal("wall", policies["/wall"]);
        Assert.All(policies.Where(p => p.Key is not "/wall"), p => Assert.True(p.Value == DashboardPolicies.Viewer, $"{p.Key} is '{p.Value}'"));
    }
}
