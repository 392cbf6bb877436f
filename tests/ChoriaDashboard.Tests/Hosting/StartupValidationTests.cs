using ChoriaDashboard.Fleet;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;
using static ChoriaDashboard.Tests.Hosting.OptionsTestKit;

namespace ChoriaDashboard.Tests.Hosting;

/// <summary>Every options section has one validator beside it, and a bad setting in any of them stops the app before it starts (exit code 2).</summary>
public sealed class StartupValidationTests
{
    /// <summary>Every options class of the app: a type with a <c>Section</c> constant.</summary>
    public static TheoryData<Type> OptionsClasses => new(OptionsTypes());

    [Fact]
    public void OptionsClasses_FoundByTheirSection_AreTheKnownSections()
    {
        Assert.Equal(
            ["Auth", "Demo", "Fleet", "Hosting:WarmUp", "HttpIngest", "Hub", "Ingest", "Metrics", "Nats", "Replay", "Security", "Ui", "Wall", "Webhooks"],
            OptionsTypes().Select(t => (string)t.GetField("Section")!.GetRawConstantValue()!).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(OptionsClasses))]
    public async Task AddChoriaDashboard_EveryOptionsClass_HasExactlyOneValidatorBesideIt(Type options)
    {
        var validatorType = options.Assembly.GetType($"{options.FullName}Validator");
        Assert.True(validatorType is not null, $"{options.FullName}Validator is missing: its rules belong beside {options.Name}");
        var contract = typeof(IValidateOptions<>).MakeGenericType(options);
        Assert.True(contract.IsAssignableFrom(validatorType));
        await using var app = Build([]);

        var validators = app.Services.GetServices(contract).Select(v => v!.GetType()).ToList();

        // Its own validator once, and the DataAnnotations check; nothing else, so no rule hides in a lambda.
        Assert.Equal(1, validators.Count(t => t == validatorType));
        Assert.Equal(2, validators.Count);
        Assert.Contains(validators, t => t.Name.StartsWith("DataAnnotationValidateOptions", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Nats:ConnectTimeout", "00:00:00", "Nats:ConnectTimeout must be positive.")]
    [InlineData("Fleet:SweepInterval", "00:11:00", "Fleet:SweepInterval must be between 0 and 10 minutes, not 00:11:00.")]
    [InlineData("Fleet:MaxAliveInterval", "00:00:00", "Fleet:MaxAliveInterval must be between 1 second and 1 day, not 00:00:00.")]
    [InlineData("Fleet:SuspendGap", "00:00:06", "Fleet:SuspendGap must be 0 (off) or between twice Fleet:SweepInterval (00:00:10) and 1 day, not 00:00:06.")]
    [InlineData("Ingest:RejectionLogInterval", "00:00:00", "Ingest:RejectionLogInterval must be positive.")]
    [InlineData("Ingest:RejectionLogBurst", "-1", "RejectionLogBurst")]
    [InlineData("Replay:Margin", "31.00:00:00", "Replay:Margin must be between 0 and 30 days, not 31.00:00:00.")]
    [InlineData("Demo:AliveInterval", "00:00:00.500", "Demo:AliveInterval must be at least 1 second, not 00:00:00.5000000.")]
    [InlineData("Demo:Nodes", "0", "Nodes")]
    [InlineData("Ui:UpdateInterval", "00:00:00.010", "Ui:UpdateInterval must be between 50 ms and 30 s.")]
    [InlineData("Ui:UpdateInterval", "00:00:31", "Ui:UpdateInterval must be between 50 ms and 30 s.")]
    [InlineData("Ui:RelativeTimeRefresh", "00:00:00.500", "Ui:RelativeTimeRefresh must be at least 1 second.")]
    [InlineData("Ui:MaxUnacknowledgedRenderBatches", "0", "MaxUnacknowledgedRenderBatches")]
    [InlineData("Ui:DisconnectedCircuitMaxRetained", "-1", "DisconnectedCircuitMaxRetained")]
    [InlineData("Ui:DisconnectedCircuitRetention", "02:00:00", "Ui:DisconnectedCircuitRetention must be between 0 and 1 hour.")]
    [InlineData("Wall:TickerLength", "0", "TickerLength")]
    [InlineData("Wall:MaxListedChecks", "100001", "MaxListedChecks")]
    [InlineData("Auth:BrowserToken", "too-short", "Auth:BrowserToken must be at least 16 characters.")]
    [InlineData("Auth:Mode", "OpenIdConnect", "Auth:OpenIdConnect:Authority must be the provider's absolute https URL")]
    [InlineData("Security:FrameAncestors", "self", "Security:FrameAncestors has self without single quotes")]
    [InlineData("Security:AllowedOrigins:0", "dashboard.example.com", "Security:AllowedOrigins: 'dashboard.example.com' is not an origin")]
    [InlineData("Security:ApiRequestsPerMinute", "0", "ApiRequestsPerMinute")]
    [InlineData("Security:ConcurrentExports", "0", "ConcurrentExports")]
    [InlineData("Security:MaxCircuitsPerClient", "0", "MaxCircuitsPerClient")]
    [InlineData("Metrics:Prefix", "choria-tally", "Metrics:Prefix must be a Prometheus metric name")]
    [InlineData("Metrics:MaxSeries", "10", "MaxSeries")]
    [InlineData("Hub:UpdateInterval", "00:00:00.010", "Hub:UpdateInterval must be between 50 ms and 60 s.")]
    [InlineData("Hub:NodesPerMessage", "0", "NodesPerMessage")]
    [InlineData("Hub:MaxReceiveMessageBytes", "100", "MaxReceiveMessageBytes")]
    [InlineData("Hub:MaxFilterComponents", "0", "MaxFilterComponents")]
    [InlineData("Hub:ClientTimeout", "00:00:20", "Hub:ClientTimeout must be at least twice Hub:KeepAliveInterval.")]
    [InlineData("HttpIngest:DedupeWindow", "00:30:00", "HttpIngest:DedupeWindow must be between 1 s and 5 min")]
    [InlineData("HttpIngest:MaxRequestBytes", "10", "MaxRequestBytes")]
    [InlineData("Webhooks:Endpoints:0:Url", "ftp://hooks.example.com/in", "Webhooks:Endpoints:0:Url must be an absolute http or https URL.")]
    [InlineData("Webhooks:QueueCapacity", "0", "QueueCapacity")]
    [InlineData("Webhooks:RetryDelay", "00:00:00", "Webhooks:RetryDelay must be between 10 ms and 1 hour")]
    [InlineData("Hosting:WarmUp:Timeout", "00:00:00", "Hosting:WarmUp:Timeout must be between 1 second and 10 minutes")]
    [InlineData("Hosting:WarmUp:Paths:0", "/api/nodes", "Hosting:WarmUp:Paths: '/api/nodes' is not a page of this app")]
    public async Task StartupValidator_BadSettingInEachSection_StopsTheAppNamingIt(string key, string value, string named)
    {
        await using var app = Build(new Dictionary<string, string?> { [key] = value });

        // What Program.cs runs before the host starts: a failure here is exit code 2 with this message.
        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_UiUpdateIntervalTooShort_ExitsWithCode2NamingTheSetting()
    {
        var (exitCode, output) = await AppProcess.RunUntilExitAsync(new Dictionary<string, string>
        {
            ["Nats__Url"] = "nats://127.0.0.1:1",
            ["Ui__UpdateInterval"] = "00:00:00.010",
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("Ui:UpdateInterval must be between 50 ms and 30 s.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_ShortApiKey_ExitsWithCode2NamingTheSettingButNotTheKey()
    {
        var (exitCode, output) = await AppProcess.RunUntilExitAsync(new Dictionary<string, string>
        {
            ["Nats__Url"] = "nats://127.0.0.1:1",
            ["Auth__ApiKeys__0__Name"] = "ci",
            ["Auth__ApiKeys__0__Key"] = "hunter2-secret",
        });

        // Checked before the pipeline is built (antiforgery and the cookie's keys read options while it is).
        Assert.Equal(2, exitCode);
        Assert.Contains("Auth:ApiKeys:0:Key ('ci') must be at least 16 characters.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_WebhookWithUnknownEventAndNoSecret_ExitsWithCode2NamingBothSettings()
    {
        var (exitCode, output) = await AppProcess.RunUntilExitAsync(new Dictionary<string, string>
        {
            ["Nats__Url"] = "nats://127.0.0.1:1",
            ["Webhooks__Endpoints__0__Url"] = "https://hooks:hunter2-password@hooks.example.com/in?token=hunter3-token",
            ["Webhooks__Endpoints__0__Events__0"] = "node.dead",
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("Webhooks:Endpoints:0:Secret is missing", output, StringComparison.Ordinal);
        Assert.Contains("Webhooks:Endpoints:0:Events:0: 'node.dead' is not an event", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_UnknownAuthMode_ExitsWithCode2NamingTheSetting()
    {
        var (exitCode, output) = await AppProcess.RunUntilExitAsync(new Dictionary<string, string>
        {
            ["Nats__Url"] = "nats://127.0.0.1:1",
            ["Auth__Mode"] = "Kerberos",
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("'Kerberos' at 'Auth:Mode'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    private static IEnumerable<Type> OptionsTypes() => typeof(FleetOptions).Assembly.GetTypes()
        .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal) && t.GetField("Section") is { IsLiteral: true })
        .OrderBy(t => t.FullName, StringComparer.Ordinal);
}
