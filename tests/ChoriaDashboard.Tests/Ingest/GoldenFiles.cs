using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace ChoriaDashboard.Tests.Ingest;

/// <summary>The shape a golden file holds, taken from the folder it lives in.</summary>
public enum GoldenShape
{
    /// <summary><c>Golden/legacy</c>: Choria's own JSON, <c>protocol</c> at the top.</summary>
    Legacy,

    /// <summary><c>Golden/structured</c>: a CloudEvents 1.0 JSON envelope with the Choria event as <c>data</c>.</summary>
    Structured,

    /// <summary><c>Golden/binary</c>: the Choria event as the body, the envelope in <c>&lt;name&gt;.headers.json</c>.</summary>
    Binary,

    /// <summary><c>Golden/upstream</c>: go-choria's own test fixtures, legacy or structured.</summary>
    Upstream,
}

/// <summary>Finds and loads the golden files copied beside the test assembly (<c>Golden/**</c>).</summary>
internal static class GoldenFiles
{
    public const string HeadersSuffix = ".headers.json";

    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "Golden");

    /// <summary>Every golden event file, relative to <see cref="Root"/> with '/' separators; schemas and header files excluded.</summary>
    public static IReadOnlyList<string> EventFiles()
    {
        var files = new List<string>();
        foreach (var folder in new[] { "legacy", "structured", "binary", "upstream" })
        {
            var directory = Path.Combine(Root, folder);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            files.AddRange(Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith(HeadersSuffix, StringComparison.Ordinal))
                .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/')));
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }

    public static GoldenShape ShapeOf(string relativePath) => relativePath.Split('/')[0] switch
    {
        "legacy" => GoldenShape.Legacy,
        "structured" => GoldenShape.Structured,
        "binary" => GoldenShape.Binary,
        "upstream" => GoldenShape.Upstream,
        var other => throw new ArgumentException($"golden file outside a known shape folder: {other}", nameof(relativePath)),
    };

    public static string FullPath(string relativePath) => Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    public static byte[] Body(string relativePath) => File.ReadAllBytes(FullPath(relativePath));

    public static string HeadersPath(string relativePath) =>
        FullPath(relativePath[..^".json".Length] + HeadersSuffix);

    /// <summary>The NATS headers of a binary-mode golden file; null for the other shapes.</summary>
    public static Dictionary<string, StringValues>? Headers(string relativePath)
    {
        if (ShapeOf(relativePath) != GoldenShape.Binary)
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(HeadersPath(relativePath)));
        var headers = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            headers[property.Name] = property.Value.GetString();
        }

        return headers;
    }

    /// <summary>The Choria event object of a golden file: the whole body, or a structured CloudEvent's <c>data</c>.</summary>
    public static JsonElement ChoriaData(string relativePath)
    {
        using var document = JsonDocument.Parse(Body(relativePath));
        var root = document.RootElement;
        var data = root.TryGetProperty("specversion", out _) ? root.GetProperty("data") : root;
        return data.Clone();
    }

    /// <summary>The root of a golden body (for structured files, the CloudEvent envelope).</summary>
    public static JsonElement BodyRoot(string relativePath)
    {
        using var document = JsonDocument.Parse(Body(relativePath));
        return document.RootElement.Clone();
    }
}
