using ChoriaDashboard.Ingest.Connection;
using Xunit;

namespace ChoriaDashboard.Tests.Ingest.Connection;

/// <summary>The words the status bar and /api/fleet give for a broker's refusal.</summary>
public sealed class BrokerFailureReasonTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Describe_AuthorizationViolationAfterTheTokenExpired_SaysTokenExpiredAndWhen()
    {
        var reason = BrokerFailureReason.Describe("-ERR 'Authorization Violation'", null, Now, Now.AddMinutes(-5));

        Assert.Equal("token expired: the broker refused the Choria token, which expired on 2026-11-30 11:55:00Z (plugin.security.choria.token_file)", reason);
    }

    [Theory]
    [InlineData(30)]
    [InlineData(null)]
    public void Describe_AuthorizationViolationWithAValidOrNoToken_SaysAuthorizationViolation(int? expiresInMinutes)
    {
        var reason = BrokerFailureReason.Describe("-ERR 'Authorization Violation'", null, Now, expiresInMinutes is { } m ? Now.AddMinutes(m) : null);

        Assert.Equal(BrokerFailureReason.AuthorizationViolation, reason);
    }

    [Fact]
    public void Describe_SubscriptionRefusedWithAnExpiredToken_StaysASubscriptionRefusal()
    {
        var reason = BrokerFailureReason.Describe("Permissions Violation for Subscription to \"choria.machine.transition\"", null, Now, Now.AddDays(-1));

        Assert.Equal(BrokerFailureReason.SubscriptionRefused, reason);
    }
}
