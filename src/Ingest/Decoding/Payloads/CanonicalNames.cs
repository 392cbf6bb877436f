using System.Collections.Frozen;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Ingest.Decoding;

/// <summary>Protocol and watcher type names every event repeats: one shared instance each instead of a copy per event.</summary>
internal static class CanonicalNames
{
    private static readonly FrozenDictionary<string, string> Known =
        Enum.GetValues<LifecycleEventType>()
            .Select(ChoriaProtocol.Lifecycle)
            .Concat(WatcherTypes.All)
            .ToFrozenDictionary(n => n, n => n, StringComparer.Ordinal);

    /// <summary>The shared instance equal to <paramref name="name"/>, or <paramref name="name"/> itself.</summary>
    public static string Of(string name) => Known.TryGetValue(name, out var known) ? known : name;
}
