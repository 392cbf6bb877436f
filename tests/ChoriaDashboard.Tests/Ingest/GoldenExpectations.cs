using System.Globalization;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Tests.Ingest;

/// <summary>
/// What the decoder must produce for each golden file, written out by hand from the Choria wire reference
/// (docs/choria-events.md in the shared folder). One entry per file in <c>Golden/{legacy,structured,binary,upstream}</c>,
/// gathered from one file per event family.
/// </summary>
internal static class GoldenExpectations
{
    public static IReadOnlyDictionary<string, ChoriaEvent> All { get; } = Build();

    public static DateTimeOffset At(string utc) =>
        DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static Dictionary<string, ChoriaEvent> Build()
    {
        var all = new Dictionary<string, ChoriaEvent>(StringComparer.Ordinal);
        GoldenLifecycleExpectations.AddTo(all);
        GoldenMachineExpectations.AddTo(all);
        GoldenRealShapeExpectations.AddTo(all);
        return all;
    }
}
