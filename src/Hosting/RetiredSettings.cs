namespace ChoriaDashboard.Hosting;

/// <summary>
/// Settings earlier versions read and this one does not: configuration binding ignores unknown keys, so without a word
/// a user who tuned one would silently lose its effect. Each one still set is named in a warning at start.
/// </summary>
public static class RetiredSettings
{
    private static readonly (string Key, string Instead)[] Retired =
    [
        ("Fleet:InternCacheSize", "the decoder's string pool (Ingest:StringPoolSize) shares repeating strings; Fleet:MaxHistoryDetails and Fleet:MaxGovernorCounters bound what it also limited"),
    ];

    /// <summary>One message per retired key set in <paramref name="configuration"/>, naming the key and what replaced it.</summary>
    public static IReadOnlyList<string> Find(IConfiguration configuration) =>
        [.. Retired.Where(r => configuration[r.Key] is not null).Select(r => $"{r.Key} is no longer used and has no effect: {r.Instead}. Remove it from the configuration.")];

    /// <summary>Logs a warning for each retired key that is set.</summary>
    public static void Warn(IConfiguration configuration, ILogger logger)
    {
        foreach (var message in Find(configuration))
        {
            logger.LogWarning("{Message}", message);
        }
    }
}
