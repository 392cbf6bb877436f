using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Ingest;
using Xunit;

namespace ChoriaDashboard.Tests.Ingest;

/// <summary>Every golden file decodes to exactly the typed event <see cref="GoldenExpectations"/> describes.</summary>
public sealed class ChoriaEventDecoderGoldenTests
{
    private readonly ChoriaEventDecoder _decoder = new(new IngestOptions());

    public static TheoryData<string> GoldenFileNames() => [.. GoldenExpectations.All.Keys.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(GoldenFileNames))]
    public void Decode_GoldenFile_ProducesExpectedEvent(string file)
    {
        var result = _decoder.Decode(GoldenFiles.Body(file), GoldenFiles.Headers(file));

        Assert.True(result.IsSuccess, $"{file}: {result}");
        var expected = GoldenExpectations.All[file];
        AssertSameEvent(expected, result.Event!, GoldenFiles.ChoriaData(file));
    }

    [Fact]
    public void GoldenFolder_EveryFile_HasAnExpectation()
    {
        var onDisk = GoldenFiles.EventFiles();
        var expected = GoldenExpectations.All.Keys.Order(StringComparer.Ordinal).ToList();

        Assert.Equal(expected, onDisk);
    }

    [Fact]
    public void GoldenFolder_EveryShape_CoversEveryLifecycleType()
    {
        string[] types = ["startup", "shutdown", "alive", "provisioned", "upgraded", "governor"];
        foreach (var folder in new[] { "legacy", "structured", "binary" })
        {
            foreach (var type in types)
            {
                var file = $"{folder}/{type}.json";
                Assert.True(GoldenExpectations.All.ContainsKey(file), $"no golden {file}");
                Assert.Equal(type, ((LifecycleEvent)GoldenExpectations.All[file]).Type.ToString().ToLowerInvariant());
            }
        }
    }

    [Fact]
    public void GoldenFolder_MachineEvents_CoverTransitionAndRequiredWatchersInBothCloudEventShapes()
    {
        string[] names = ["transition", "nagios-critical", "nagios-ok", "exec", "file", "schedule", "kv"];
        foreach (var folder in new[] { "structured", "binary" })
        {
            foreach (var name in names)
            {
                Assert.True(GoldenExpectations.All.ContainsKey($"{folder}/machine-{name}.json"), $"no golden {folder}/machine-{name}.json");
            }
        }
    }

    [Fact]
    public void Decode_SameLifecycleEventInThreeShapes_DiffersOnlyInFormat()
    {
        foreach (var type in new[] { "startup", "shutdown", "alive", "provisioned", "upgraded", "governor" })
        {
            var legacy = _decoder.Decode(GoldenFiles.Body($"legacy/{type}.json")).Event!;
            var structured = _decoder.Decode(GoldenFiles.Body($"structured/{type}.json")).Event!;
            var binary = _decoder.Decode(GoldenFiles.Body($"binary/{type}.json"), GoldenFiles.Headers($"binary/{type}.json")).Event!;

            Assert.Equal(legacy with { Format = WireFormat.CloudEventStructured }, structured);
            Assert.Equal(legacy with { Format = WireFormat.CloudEventBinary }, binary);
        }
    }

    [Fact]
    public void Decode_PreZeroThirteenNanosecondTimestamp_IsReadAsNanoseconds()
    {
        var result = _decoder.Decode(GoldenFiles.Body("legacy/machine-transition-pre013-ns.json"));

        var transition = Assert.IsType<MachineTransitionEvent>(result.Event);
        Assert.Equal(2019, transition.Timestamp.Year);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_557_326_815_541), transition.Timestamp);
    }

    /// <summary>Field by field, so a failure names the field; RawData of generic watchers is compared with the golden data.</summary>
    internal static void AssertSameEvent(ChoriaEvent expected, ChoriaEvent actual, JsonElement goldenData)
    {
        Assert.IsType(expected.GetType(), actual);
        Assert.Equal(expected.Protocol, actual.Protocol);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Identity, actual.Identity);
        Assert.Equal(expected.Timestamp, actual.Timestamp);
        Assert.Equal(TimeSpan.Zero, actual.Timestamp.Offset);
        Assert.Equal(expected.Format, actual.Format);

        switch (expected)
        {
            case LifecycleEvent lifecycle:
                AssertLifecycle(lifecycle, (LifecycleEvent)actual);
                break;
            case MachineEvent machine:
                AssertMachine(machine, (MachineEvent)actual, goldenData);
                break;
            default:
                Assert.Fail($"no assertions for {expected.GetType().Name}");
                break;
        }
    }

    private static void AssertLifecycle(LifecycleEvent expected, LifecycleEvent actual)
    {
        Assert.Equal(expected.Component, actual.Component);
        Assert.Equal(expected.Type, actual.Type);
        switch (expected)
        {
            case StartupEvent startup:
                Assert.Equal(startup.Version, ((StartupEvent)actual).Version);
                break;
            case AliveEvent alive:
                Assert.Equal(alive.Version, ((AliveEvent)actual).Version);
                break;
            case UpgradedEvent upgraded:
                Assert.Equal(upgraded.Version, ((UpgradedEvent)actual).Version);
                Assert.Equal(upgraded.NewVersion, ((UpgradedEvent)actual).NewVersion);
                break;
            case GovernorEvent governor:
                var actualGovernor = (GovernorEvent)actual;
                Assert.Equal(governor.Governor, actualGovernor.Governor);
                Assert.Equal(governor.Sequence, actualGovernor.Sequence);
                Assert.Equal(governor.EventTypeName, actualGovernor.EventTypeName);
                Assert.Equal(governor.EventType, actualGovernor.EventType);
                Assert.NotEqual(GovernorEventType.Unknown, actualGovernor.EventType);
                break;
            case ShutdownEvent or ProvisionedEvent:
                break;
            default:
                Assert.Fail($"no assertions for {expected.GetType().Name}");
                break;
        }
    }

    private static void AssertMachine(MachineEvent expected, MachineEvent actual, JsonElement goldenData)
    {
        Assert.Equal(expected.Machine, actual.Machine);
        Assert.Equal(expected.MachineVersion, actual.MachineVersion);
        switch (expected)
        {
            case MachineTransitionEvent transition:
                var actualTransition = (MachineTransitionEvent)actual;
                Assert.Equal(transition.Transition, actualTransition.Transition);
                Assert.Equal(transition.FromState, actualTransition.FromState);
                Assert.Equal(transition.ToState, actualTransition.ToState);
                break;
            case NagiosWatcherState nagios:
                AssertWatcherCommon(nagios, (WatcherStateEvent)actual);
                AssertNagios(nagios, (NagiosWatcherState)actual);
                break;
            case WatcherStateEvent watcher:
                var actualWatcher = (WatcherStateEvent)actual;
                AssertWatcherCommon(watcher, actualWatcher);
                Assert.NotNull(actualWatcher.RawData);
                using (var raw = JsonDocument.Parse(actualWatcher.RawData))
                {
                    Assert.True(JsonElement.DeepEquals(goldenData, raw.RootElement), $"RawData differs from the golden data: {actualWatcher.RawData}");
                }

                break;
            default:
                Assert.Fail($"no assertions for {expected.GetType().Name}");
                break;
        }
    }

    private static void AssertWatcherCommon(WatcherStateEvent expected, WatcherStateEvent actual)
    {
        Assert.Equal(expected.WatcherType, actual.WatcherType);
        Assert.Equal(expected.Name, actual.Name);
    }

    private static void AssertNagios(NagiosWatcherState expected, NagiosWatcherState actual)
    {
        Assert.Equal(expected.Plugin, actual.Plugin);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.StatusCode, actual.StatusCode);
        Assert.Equal(expected.Health, actual.Health);
        Assert.Equal(expected.Output, actual.Output);
        Assert.Equal(expected.CheckTime, actual.CheckTime);
        Assert.Equal(expected.RuntimeSeconds, actual.RuntimeSeconds, 9);
        Assert.Equal(expected.PerfData.AsEnumerable(), actual.PerfData.AsEnumerable());
        Assert.Equal(expected.History.AsEnumerable(), actual.History.AsEnumerable());
        Assert.Equal(
            expected.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal),
            actual.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal));
    }
}
