using ChoriaDashboard.Ingest;
using Xunit;
using static ChoriaDashboard.Tests.Hosting.OptionsTestKit;

namespace ChoriaDashboard.Tests.Hosting;

/// <summary>The <c>Nats</c> section's rules: broker URLs, subjects and the connect timeout, each failure quoting what was wrong.</summary>
public sealed class NatsOptionsValidatorTests
{
    [Theory]
    [InlineData("nats://127.0.0.1:4222")]
    [InlineData("nats://a:4222,nats://b:4222")]
    [InlineData(" nats://a:4222 , nats://b:4222 ")]
    [InlineData("tls://broker.example.net:4222")]
    [InlineData("ws://broker.example.net:8080")]
    [InlineData("wss://broker.example.net")]
    [InlineData("nats://user:secret@broker.example.net:4222")]
    public void NatsOptionsValidator_GoodUrl_Succeeds(string url)
    {
        Assert.True(new NatsOptionsValidator().Validate(null, Nats(url)).Succeeded);
    }

    [Theory]
    [InlineData("http://x")]
    [InlineData("nats://")]
    [InlineData("broker.example.net:4222")]
    [InlineData("broker.example.net")]
    [InlineData("nats://a:4222,http://b:4222")]
    public void NatsOptionsValidator_BadUrl_FailsQuotingIt(string url)
    {
        var result = new NatsOptionsValidator().Validate(null, Nats(url));

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Nats:Url '", StringComparison.Ordinal) && f.Contains("nats://host:4222", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(" , ")]
    public void NatsOptionsValidator_EmptyUrl_FailsSayingWhatToSet(string url)
    {
        var failure = Assert.Single(new NatsOptionsValidator().Validate(null, Nats(url)).Failures!);

        Assert.StartsWith("Nats:Url is empty", failure, StringComparison.Ordinal);
        Assert.Contains("Nats__Url", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("choria.lifecycle.event.>")]
    [InlineData("choria.machine.watcher.*.state")]
    [InlineData(">")]
    [InlineData("choria.machine.transition")]
    public void NatsOptionsValidator_GoodSubject_Succeeds(string subject)
    {
        Assert.True(new NatsOptionsValidator().Validate(null, Nats(subjects: [subject])).Succeeded);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("choria lifecycle")]
    [InlineData("choria.lifecycle\t")]
    [InlineData(".choria")]
    [InlineData("choria.")]
    [InlineData("choria..lifecycle")]
    public void NatsOptionsValidator_BadSubject_FailsQuotingIt(string subject)
    {
        var result = new NatsOptionsValidator().Validate(null, Nats(subjects: ["choria.machine.transition", subject]));

        Assert.Equal($"Nats:Subjects has an invalid subject '{subject}'.", Assert.Single(result.Failures!));
    }

    [Fact]
    public void NatsOptionsValidator_NoSubjects_FailsSayingNothingWouldArrive()
    {
        var failure = Assert.Single(new NatsOptionsValidator().Validate(null, Nats(subjects: [])).Failures!);

        Assert.StartsWith("Nats:Subjects is empty", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void NatsOptionsValidator_ConnectTimeoutNotPositive_Fails(int seconds)
    {
        var settings = Nats();
        settings.ConnectTimeout = TimeSpan.FromSeconds(seconds);

        Assert.StartsWith("Nats:ConnectTimeout", Assert.Single(new NatsOptionsValidator().Validate(null, settings).Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void NatsOptionsValidator_SeveralProblems_ReportsEach()
    {
        var settings = Nats("http://x", ["a..b"]);
        settings.ConnectTimeout = TimeSpan.Zero;

        Assert.Equal(3, new NatsOptionsValidator().Validate(null, settings).Failures!.Count());
    }

    [Fact]
    public void NatsOptionsValidator_BadUrlWithPassword_MessageDoesNotRevealIt()
    {
        var result = new NatsOptionsValidator().Validate(null, new NatsOptions { Url = "http://dashboard:s3cret@broker.example.net:4222", Subjects = ["a.b"] });

        Assert.True(result.Failed);
        Assert.DoesNotContain("s3cret", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("broker.example.net", result.FailureMessage, StringComparison.Ordinal);
    }

    private static NatsOptions Nats(string url = "nats://127.0.0.1:4222", string[]? subjects = null) => new()
    {
        Url = url,
        Subjects = subjects ?? DefaultSubjects,
    };
}
