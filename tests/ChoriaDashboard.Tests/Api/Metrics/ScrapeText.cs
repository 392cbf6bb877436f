using System.Globalization;

namespace ChoriaDashboard.Tests.Api.Metrics;

/// <summary>Reads a scrape body as Prometheus would: one value per series line, by the series' full name and labels.</summary>
internal static class ScrapeText
{
    /// <summary>The value of the series written exactly as <paramref name="series"/>, or null when the body has no such line.</summary>
    public static double? Value(string body, string series)
    {
        foreach (var line in body.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>The series lines (not comments) whose name starts with <paramref name="prefix"/>.</summary>
    public static IReadOnlyList<string> Lines(string body, string prefix) =>
        [.. body.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal))];
}
