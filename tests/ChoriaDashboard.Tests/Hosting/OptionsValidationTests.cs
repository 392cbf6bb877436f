using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Hosting;
using ChoriaDashboard.Ingest;
using ChoriaDashboard.Simulation;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting;

public sealed class OptionsValidationTests
{
    private static readonly string[] DefaultSubjects = ["choria.lifecycle.event.>", "choria.machine.transition", "choria.machine.watcher.*.state"];

    // ---- Fleet ----

    [Fact]
    public void FleetOptionsValidator_Defaults_Succeed()
    {
        Assert.True(new FleetOptionsValidator().Validate(null, new FleetOptions()).Succeeded);
    }

    [Fact]
    public void FleetOptionsValidator_DeadEqualToForget_Succeeds()
    {
        var options = new FleetOptions { StaleAfter = TimeSpan.FromMinutes(1), DeadAfter = TimeSpan.FromMinutes(2), ForgetAfter = TimeSpan.FromMinutes(2) };

        Assert.True(new FleetOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(40, 40, 1440, "Fleet:DeadAfter")]
    [InlineData(90, 80, 1440, "Fleet:DeadAfter")]
    [InlineData(40, 80, 79, "Fleet:ForgetAfter")]
    [InlineData(0, 80, 1440, "Fleet:StaleAfter")]
    [InlineData(-5, 80, 1440, "Fleet:StaleAfter")]
    public void FleetOptionsValidator_ThresholdsOutOfOrder_FailNamingTheKey(int staleMinutes, int deadMinutes, int forgetMinutes, string key)
    {
        var options = new FleetOptions
        {
            StaleAfter = TimeSpan.FromMinutes(staleMinutes),
            DeadAfter = TimeSpan.FromMinutes(deadMinutes),
            ForgetAfter = TimeSpan.FromMinutes(forgetMinutes),
        };

        var result = new FleetOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(key, StringComparison.Ordinal));
    }

    [Fact]
    public void FleetOptionsValidator_ComponentDeadBeforeFleetStale_FailsNamingTheComponent()
    {
        var options = new FleetOptions();
        options.Components[ChoriaComponents.Provisioner] = new ComponentThresholds { DeadAfter = TimeSpan.FromMinutes(10) };

        var result = new FleetOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Fleet:Components:provisioner:DeadAfter", failure, StringComparison.Ordinal);
        Assert.Contains("00:10:00", failure, StringComparison.Ordinal);
        Assert.Contains("00:40:00", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void FleetOptionsValidator_ComponentForgetBeforeDead_FailsNamingTheComponent()
    {
        var options = new FleetOptions();
        options.Components["CLI"] = new ComponentThresholds { StaleAfter = TimeSpan.FromMinutes(1), DeadAfter = TimeSpan.FromMinutes(2), ForgetAfter = TimeSpan.FromMinutes(1) };

        var result = new FleetOptionsValidator().Validate(null, options);

        Assert.StartsWith("Fleet:Components:CLI:ForgetAfter", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void FleetOptionsValidator_ComponentOverridesThatFitWithTheDefaults_Succeed()
    {
        var options = new FleetOptions();
        options.Components[ChoriaComponents.Provisioner] = new ComponentThresholds { StaleAfter = TimeSpan.FromMinutes(2), DeadAfter = TimeSpan.FromMinutes(5) };
        options.Components[ChoriaComponents.Server] = new ComponentThresholds { DeadAfter = TimeSpan.FromHours(2) };

        Assert.True(new FleetOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void FleetOptionsValidator_ComponentOverrideClashingWithFleetValue_BlamesTheComponentNotTheFleet()
    {
        // The fleet-wide values are fine; only the override makes them clash.
        var options = new FleetOptions();
        options.Components[ChoriaComponents.Server] = new ComponentThresholds { StaleAfter = TimeSpan.FromHours(2) };

        var failure = Assert.Single(new FleetOptionsValidator().Validate(null, options).Failures!);

        Assert.StartsWith("Fleet:Components:server:DeadAfter", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(601)]
    public void FleetOptionsValidator_SweepIntervalOutOfRange_Fails(int seconds)
    {
        var result = new FleetOptionsValidator().Validate(null, new FleetOptions { SweepInterval = TimeSpan.FromSeconds(seconds) });

        Assert.StartsWith("Fleet:SweepInterval", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(0.5)]
    [InlineData(86_401)]
    public void FleetOptionsValidator_SeriesIntervalOutOfRange_Fails(double seconds)
    {
        var result = new FleetOptionsValidator().Validate(null, new FleetOptions { SeriesInterval = TimeSpan.FromSeconds(seconds) });

        Assert.StartsWith("Fleet:SeriesInterval", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    // ---- Nats ----

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

    // ---- Demo ----

    [Fact]
    public void DemoOptionsValidator_Defaults_Succeed()
    {
        Assert.True(new DemoOptionsValidator().Validate(null, new DemoOptions()).Succeeded);
    }

    [Theory]
    [InlineData(999)]
    [InlineData(0)]
    public void DemoOptionsValidator_AliveIntervalUnderOneSecond_Fails(int milliseconds)
    {
        var result = new DemoOptionsValidator().Validate(null, new DemoOptions { AliveInterval = TimeSpan.FromMilliseconds(milliseconds) });

        Assert.StartsWith("Demo:AliveInterval", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(60, 40, true)]
    [InlineData(100, 0, true)]
    [InlineData(60, 41, false)]
    [InlineData(100, 100, false)]
    public void DemoOptionsValidator_FormatShares_MustNotExceedAHundred(int legacy, int binary, bool ok)
    {
        var result = new DemoOptionsValidator().Validate(null, new DemoOptions { LegacyPercent = legacy, BinaryPercent = binary });

        Assert.Equal(ok, result.Succeeded);
        if (!ok)
        {
            Assert.Contains("Demo:LegacyPercent + Demo:BinaryPercent", Assert.Single(result.Failures!), StringComparison.Ordinal);
        }
    }

    // ---- Through the real configuration pipeline ----

    [Fact]
    public async Task AddChoriaDashboard_NoSubjectsConfigured_UsesTheThreeDefaultsOnce()
    {
        await using var app = Build(new Dictionary<string, string?> { ["Nats:Url"] = "nats://broker:4222" });

        Assert.Equal(DefaultSubjects, app.Services.GetRequiredService<IOptions<NatsOptions>>().Value.Subjects);
    }

    [Fact]
    public async Task AddChoriaDashboard_TheThreeDefaultSubjectsConfigured_SubscribesToEachOnce()
    {
        var config = new Dictionary<string, string?>
        {
            ["Nats:Url"] = "nats://broker:4222",
            ["Nats:Subjects:0"] = "choria.lifecycle.event.>",
            ["Nats:Subjects:1"] = "choria.machine.transition",
            ["Nats:Subjects:2"] = "choria.machine.watcher.*.state",
        };
        await using var app = Build(config);

        Assert.Equal(DefaultSubjects, app.Services.GetRequiredService<IOptions<NatsOptions>>().Value.Subjects);
    }

    [Fact]
    public async Task AddChoriaDashboard_ShippedAppSettings_SubscribesToEachDefaultSubjectOnce()
    {
        var appSettings = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        Assert.True(File.Exists(appSettings), $"{appSettings} is missing");
        await using var app = Build(new Dictionary<string, string?>(), builder => builder.AddJsonFile(appSettings, optional: false));

        var settings = app.Services.GetRequiredService<IOptions<NatsOptions>>().Value;

        Assert.Equal(DefaultSubjects, settings.Subjects);
        Assert.True(new NatsOptionsValidator().Validate(null, settings).Succeeded);
    }

    [Fact]
    public async Task AddChoriaDashboard_OneCustomSubject_UsesOnlyThatOne()
    {
        var config = new Dictionary<string, string?>
        {
            ["Nats:Url"] = "nats://broker:4222",
            ["Nats:Subjects:0"] = "choria.lifecycle.event.alive.server",
        };
        await using var app = Build(config);

        Assert.Equal(["choria.lifecycle.event.alive.server"], app.Services.GetRequiredService<IOptions<NatsOptions>>().Value.Subjects);
    }

    [Fact]
    public async Task AddChoriaDashboard_SameSubjectListedTwice_SubscribesOnce()
    {
        var config = new Dictionary<string, string?>
        {
            ["Nats:Subjects:0"] = "choria.machine.transition",
            ["Nats:Subjects:1"] = "choria.lifecycle.event.>",
            ["Nats:Subjects:2"] = "choria.machine.transition",
        };
        await using var app = Build(config);

        Assert.Equal(["choria.machine.transition", "choria.lifecycle.event.>"], app.Services.GetRequiredService<IOptions<NatsOptions>>().Value.Subjects);
    }

    [Fact]
    public async Task AddChoriaDashboard_InvalidNatsUrl_ThrowsNamingTheKey()
    {
        await using var app = Build(new Dictionary<string, string?> { ["Nats:Url"] = "http://broker:4222" });

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<NatsOptions>>().Value);

        Assert.Contains("Nats:Url 'http://broker:4222'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddChoriaDashboard_DeadBeforeStale_ThrowsNamingTheKey()
    {
        var config = new Dictionary<string, string?>
        {
            ["Fleet:StaleAfter"] = "01:00:00",
            ["Fleet:DeadAfter"] = "00:30:00",
        };
        await using var app = Build(config);

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<FleetOptions>>().Value);

        Assert.Contains("Fleet:DeadAfter (00:30:00) must be longer than StaleAfter (01:00:00)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Ingest:RawEventBytes", "-1")]
    [InlineData("Fleet:MachineTransitionHistory", "5000")]
    [InlineData("Ui:EventTailRowsPerSecond", "0")]
    [InlineData("Ui:EventTailLength", "1")]
    public async Task AddChoriaDashboard_EventTailAndRawLimitOutOfRange_ThrowsNamingTheSetting(string key, string value)
    {
        await using var app = Build(new Dictionary<string, string?> { [key] = value });
        var section = key[..key.IndexOf(':', StringComparison.Ordinal)];

        var error = Assert.ThrowsAny<OptionsValidationException>(() => _ = section switch
        {
            "Ingest" => (object)app.Services.GetRequiredService<IOptions<IngestOptions>>().Value,
            "Fleet" => app.Services.GetRequiredService<IOptions<FleetOptions>>().Value,
            _ => app.Services.GetRequiredService<IOptions<ChoriaDashboard.Components.UiOptions>>().Value,
        });

        Assert.Contains(key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddChoriaDashboard_BadComponentOverride_ThrowsNamingTheComponentKey()
    {
        var config = new Dictionary<string, string?>
        {
            ["Fleet:Components:provisioner:StaleAfter"] = "00:05:00",
            ["Fleet:Components:provisioner:DeadAfter"] = "00:02:00",
        };
        await using var app = Build(config);

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<FleetOptions>>().Value);

        Assert.Contains("Fleet:Components:provisioner:DeadAfter", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddChoriaDashboard_ValidComponentOverride_IsBoundAndApplied()
    {
        var config = new Dictionary<string, string?>
        {
            ["Fleet:Components:provisioner:StaleAfter"] = "00:05:00",
            ["Fleet:Components:provisioner:DeadAfter"] = "00:10:00",
        };
        await using var app = Build(config);

        var options = app.Services.GetRequiredService<IOptions<FleetOptions>>().Value;

        Assert.Equal(new LivenessThresholds(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromHours(24)), options.ThresholdsFor(ChoriaComponents.Provisioner));
        Assert.Equal(new LivenessThresholds(TimeSpan.FromMinutes(40), TimeSpan.FromMinutes(80), TimeSpan.FromHours(24)), options.ThresholdsFor(ChoriaComponents.Server));
    }

    [Theory]
    [InlineData("Fleet:MaxHistoryDetails", "MaxHistoryDetails")]
    [InlineData("Fleet:MaxGovernorCounters", "MaxGovernorCounters")]
    public async Task AddChoriaDashboard_FleetLimitOutOfRange_ThrowsNamingTheKey(string key, string member)
    {
        await using var app = Build(new Dictionary<string, string?> { [key] = "-1" });

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<FleetOptions>>().Value);

        Assert.Contains(member, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Replay:Margin", "-00:01:00", "Replay:Margin")]
    [InlineData("Replay:CreatedStreamMaxAge", "00:00:10", "Replay:CreatedStreamMaxAge")]
    [InlineData("Replay:EventsStream", "CHORIA.EVENTS", "Replay:EventsStream")]
    [InlineData("Replay:MaxOverlapMessages", "-1", "MaxOverlapMessages")]
    [InlineData("Replay:PullBatchSize", "0", "PullBatchSize")]
    [InlineData("Fleet:MaxOutages", "0", "MaxOutages")]
    [InlineData("Fleet:MaxVersionsPerComponent", "0", "MaxVersionsPerComponent")]
    public async Task AddChoriaDashboard_ReplaySettingInvalid_ThrowsNamingTheKey(string key, string value, string named)
    {
        await using var app = Build(new Dictionary<string, string?> { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => key.StartsWith("Fleet", StringComparison.Ordinal)
            ? (object)app.Services.GetRequiredService<IOptions<FleetOptions>>().Value
            : app.Services.GetRequiredService<IOptions<ChoriaDashboard.Ingest.Replay.ReplayOptions>>().Value);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddChoriaDashboard_FleetLimits_BindEachToItsOwnKey()
    {
        var config = new Dictionary<string, string?>
        {
            ["Fleet:MaxHistoryDetails"] = "20",
            ["Fleet:MaxGovernorCounters"] = "30",
        };
        await using var app = Build(config);

        var options = app.Services.GetRequiredService<IOptions<FleetOptions>>().Value;

        Assert.Equal((20, 30), (options.MaxHistoryDetails, options.MaxGovernorCounters));
    }

    [Fact]
    public async Task AddChoriaDashboard_DemoSharesOverAHundred_ThrowsNamingTheKeys()
    {
        var config = new Dictionary<string, string?>
        {
            ["Demo:LegacyPercent"] = "80",
            ["Demo:BinaryPercent"] = "30",
        };
        await using var app = Build(config);

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<DemoOptions>>().Value);

        Assert.Contains("Demo:LegacyPercent + Demo:BinaryPercent", error.Message, StringComparison.Ordinal);
    }

    // ---- Every section: registered the one way, stopped at start ----

    /// <summary>Every options class of the app: a type with a <c>Section</c> constant.</summary>
    public static TheoryData<Type> OptionsClasses => new(OptionsTypes());

    [Fact]
    public void OptionsClasses_FoundByTheirSection_AreTheSevenSections()
    {
        Assert.Equal(
            ["Demo", "Fleet", "Ingest", "Nats", "Replay", "Ui", "Wall"],
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
    [InlineData("Ingest:RejectionLogInterval", "00:00:00", "Ingest:RejectionLogInterval must be positive.")]
    [InlineData("Ingest:RejectionLogBurst", "-1", "RejectionLogBurst")]
    [InlineData("Replay:Margin", "31.00:00:00", "Replay:Margin must be between 0 and 30 days, not 31.00:00:00.")]
    [InlineData("Demo:AliveInterval", "00:00:00.500", "Demo:AliveInterval must be at least 1 second, not 00:00:00.5000000.")]
    [InlineData("Demo:Nodes", "0", "Nodes")]
    [InlineData("Ui:UpdateInterval", "00:00:00.010", "Ui:UpdateInterval must be between 50 ms and 30 s.")]
    [InlineData("Ui:UpdateInterval", "00:00:31", "Ui:UpdateInterval must be between 50 ms and 30 s.")]
    [InlineData("Ui:RelativeTimeRefresh", "00:00:00.500", "Ui:RelativeTimeRefresh must be at least 1 second.")]
    [InlineData("Wall:TickerLength", "0", "TickerLength")]
    [InlineData("Wall:MaxListedChecks", "100001", "MaxListedChecks")]
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

    private static IEnumerable<Type> OptionsTypes() => typeof(FleetOptions).Assembly.GetTypes()
        .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal) && t.GetField("Section") is { IsLiteral: true })
        .OrderBy(t => t.FullName, StringComparer.Ordinal);

    private static NatsOptions Nats(string url = "nats://127.0.0.1:4222", string[]? subjects = null) => new()
    {
        Url = url,
        Subjects = subjects ?? DefaultSubjects,
    };

    /// <summary>The app's own registration over nothing but the given configuration (no appsettings, environment or secrets).</summary>
    private static WebApplication Build(Dictionary<string, string?> config, Action<IConfigurationBuilder>? addSources = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration.Sources.Clear();
        addSources?.Invoke(builder.Configuration);
        builder.Configuration.AddInMemoryCollection(config);
        builder.AddChoriaDashboard();
        return builder.Build();
    }

    [Fact]
    public void NatsOptionsValidator_BadUrlWithPassword_MessageDoesNotRevealIt()
    {
        var result = new NatsOptionsValidator().Validate(null, new NatsOptions { Url = "http://dashboard:s3cret@broker.example.net:4222", Subjects = ["a.b"] });

        Assert.True(result.Failed);
        Assert.DoesNotContain("s3cret", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("broker.example.net", result.FailureMessage, StringComparison.Ordinal);
    }
}
