using ChoriaDashboard.Webhooks;
using Xunit;

namespace ChoriaDashboard.Tests.Webhooks;

/// <summary>What stops the app at start in section <c>Webhooks</c>: each message names the setting and never repeats a URL or a secret.</summary>
public sealed class WebhookOptionsValidatorTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    [Fact]
    public void Validate_AGoodEndpoint_Succeeds()
    {
        var result = new WebhookOptionsValidator().Validate(null, With(new WebhookEndpointOptions { Url = "https://hooks.example.com/in", Secret = Secret, Events = ["node.died", "fleet.current"] }));

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("hooks.example.com/in", Secret, "node.died", "Webhooks:Endpoints:0:Url must be an absolute http or https URL.")]
    [InlineData("ftp://hooks.example.com/in", Secret, "node.died", "Webhooks:Endpoints:0:Url must be an absolute http or https URL.")]
    [InlineData("file:///etc/passwd", Secret, "node.died", "Webhooks:Endpoints:0:Url must be an absolute http or https URL.")]
    [InlineData("https://hooks.example.com/in", "", "node.died", "Webhooks:Endpoints:0:Secret is missing")]
    [InlineData("https://hooks.example.com/in", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "node.died", "Webhooks:Endpoints:0:Secret must be whsec_ followed by base64 of at least 16 bytes.")]
    [InlineData("https://hooks.example.com/in", "whsec_not base64!", "node.died", "Webhooks:Endpoints:0:Secret must be whsec_")]
    [InlineData("https://hooks.example.com/in", "whsec_c2hvcnQ=", "node.died", "Webhooks:Endpoints:0:Secret must be whsec_")]
    [InlineData("https://hooks.example.com/in", Secret, "node.dead", "Webhooks:Endpoints:0:Events:0: 'node.dead' is not an event; use node.started, node.stopped, node.died")]
    [InlineData("https://hooks.example.com/in", Secret, "", "Webhooks:Endpoints:0:Events must name at least one of")]
    public void Validate_BadEndpoint_NamesTheSettingWithoutTheSecret(string url, string secret, string @event, string named)
    {
        var result = new WebhookOptionsValidator().Validate(null, With(new WebhookEndpointOptions { Url = url, Secret = secret, Events = @event.Length == 0 ? [] : [@event] }));

        Assert.True(result.Failed);
        Assert.Contains(named, result.FailureMessage, StringComparison.Ordinal);
        if (secret.Length > 0)
        {
            Assert.DoesNotContain(secret["whsec_".Length..], result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_SecondEndpointBad_NamesItsIndex()
    {
        var options = With(
            new WebhookEndpointOptions { Url = "https://hooks.example.com/in", Secret = Secret, Events = ["node.died"] },
            new WebhookEndpointOptions { Url = "http://user:hunter2@hooks.example.com/in", Secret = Secret, Events = ["node.died"], Components = [" "] });

        var result = new WebhookOptionsValidator().Validate(null, options);

        Assert.Equal("Webhooks:Endpoints:1:Components:0 is empty.", Assert.Single(result.Failures!));
    }

    [Theory]
    [InlineData("00:00:00.001", "00:05:00", "00:00:10", "Webhooks:RetryDelay must be between 10 ms and 1 hour")]
    [InlineData("00:00:02", "00:00:01", "00:00:10", "Webhooks:MaxRetryDelay must be between Webhooks:RetryDelay and 1 day")]
    [InlineData("00:00:02", "00:05:00", "00:00:00", "Webhooks:AttemptTimeout must be between 100 ms and 5 minutes")]
    public void Validate_RetryTimings_NamesTheSetting(string delay, string maxDelay, string attemptTimeout, string named)
    {
        var options = With();
        options.RetryDelay = TimeSpan.Parse(delay, System.Globalization.CultureInfo.InvariantCulture);
        options.MaxRetryDelay = TimeSpan.Parse(maxDelay, System.Globalization.CultureInfo.InvariantCulture);
        options.AttemptTimeout = TimeSpan.Parse(attemptTimeout, System.Globalization.CultureInfo.InvariantCulture);

        var result = new WebhookOptionsValidator().Validate(null, options);

        Assert.Contains(named, result.FailureMessage, StringComparison.Ordinal);
    }

    private static WebhookOptions With(params WebhookEndpointOptions[] endpoints) => new() { Endpoints = [.. endpoints] };
}
