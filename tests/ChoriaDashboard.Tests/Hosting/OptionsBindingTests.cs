using ChoriaDashboard.Fleet;
using ChoriaDashboard.Ingest;
using ChoriaDashboard.Simulation;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;
using static ChoriaDashboard.Tests.Hosting.OptionsTestKit;

namespace ChoriaDashboard.Tests.Hosting;

/// <summary>Settings bound through the app's own registration: what each key becomes, and a bad value named when its options are read.</summary>
public sealed class OptionsBindingTests
{
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
    [InlineData("Fleet:EventFeedSubscriberBuffer", "0")]
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
    [InlineData("Fleet:MaxComponents", "Fleet:MaxComponents")]
    [InlineData("Fleet:MaxWatchers", "Fleet:MaxWatchers")]
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
    [InlineData("Replay:PullMaxBytes", "1024", "PullMaxBytes")]
    [InlineData("Replay:MaxAttempts", "0", "MaxAttempts")]
    [InlineData("Replay:RetryDelay", "00:00:00", "Replay:RetryDelay")]
    [InlineData("Replay:MaxRetryDelay", "00:00:00.500", "Replay:MaxRetryDelay")]
    [InlineData("Replay:StallTimeout", "00:00:00.100", "Replay:StallTimeout")]
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
    public async Task AddChoriaDashboard_FleetCapsAndNewestRule_BindEachToItsOwnKey()
    {
        var config = new Dictionary<string, string?>
        {
            ["Fleet:MaxComponents"] = "5",
            ["Fleet:MaxWatchers"] = "70",
            ["Fleet:PreReleaseNewest"] = "true",
        };
        await using var app = Build(config);

        var options = app.Services.GetRequiredService<IOptions<FleetOptions>>().Value;

        Assert.Equal((5, 70, true), (options.MaxComponents, options.MaxWatchers, options.PreReleaseNewest));
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

    [Fact]
    public async Task AddChoriaDashboard_UiCircuitLimits_AreWhatBlazorsCircuitsUse()
    {
        await using var defaults = Build([]);
        await using var app = Build(new Dictionary<string, string?>
        {
            ["Ui:MaxUnacknowledgedRenderBatches"] = "5",
            ["Ui:DisconnectedCircuitMaxRetained"] = "7",
            ["Ui:DisconnectedCircuitRetention"] = "00:00:30",
        });

        // Blazor keeps 10 unacknowledged batches and 100 disconnected circuits for 3 minutes unless told otherwise.
        var shipped = defaults.Services.GetRequiredService<IOptions<CircuitOptions>>().Value;
        var set = app.Services.GetRequiredService<IOptions<CircuitOptions>>().Value;

        Assert.Equal((3, 100, TimeSpan.FromMinutes(3)), (shipped.MaxBufferedUnacknowledgedRenderBatches, shipped.DisconnectedCircuitMaxRetained, shipped.DisconnectedCircuitRetentionPeriod));
        Assert.Equal((5, 7, TimeSpan.FromSeconds(30)), (set.MaxBufferedUnacknowledgedRenderBatches, set.DisconnectedCircuitMaxRetained, set.DisconnectedCircuitRetentionPeriod));
    }
}
