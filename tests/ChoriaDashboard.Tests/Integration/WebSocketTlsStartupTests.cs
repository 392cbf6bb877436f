using ChoriaDashboard.Tests.Infrastructure;
using Xunit;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>The app refuses to start on a WebSocket URL with TLS settings, as an operator would see it.</summary>
public sealed class WebSocketTlsStartupTests : IDisposable
{
    private readonly TestCertificates _pki = TestCertificates.Create();

    [Fact]
    public async Task App_WsUrlWithNatsTls_ExitsWithCode2NamingNatsTls()
    {
        var (exitCode, output) = await AppProcess.RunUntilExitAsync(new Dictionary<string, string>
        {
            ["Nats__Url"] = "ws://127.0.0.1:1",
            ["Nats__Tls__CaFile"] = _pki.CaFile,
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("Nats:Url 'ws://127.0.0.1:1' is a WebSocket URL, but TLS is configured (Nats:Tls:CaFile)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    public void Dispose() => _pki.Dispose();
}
