using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ChoriaDashboard.LoadGen;

internal enum Verdict
{
    Pass,
    Fail,
    Info,

    /// <summary>The measuring machinery itself failed: the only verdict that fails a smoke run.</summary>
    Error,
}

internal sealed record ResultRow(string Metric, string Target, string Measured, Verdict Verdict, string Notes = "");

/// <summary>The results table: printed as it fills, written as markdown at the end.</summary>
internal sealed class Report
{
    private readonly List<ResultRow> _rows = [];

    public IReadOnlyList<ResultRow> Rows => _rows;

    public bool MachineryFailed => _rows.Any(r => r.Verdict == Verdict.Error);

    public void Add(ResultRow row)
    {
        _rows.Add(row);
        Log.Line($"RESULT  {row.Metric}: {row.Measured}  [target {row.Target}: {row.Verdict}] {row.Notes}");
    }

    public string ToMarkdown(string title, IEnumerable<string> header)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# {title}").AppendLine();
        foreach (var line in header)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- {line}");
        }

        sb.AppendLine().AppendLine("| # | Metric | Target | Measured | Result | Notes |").AppendLine("|---|---|---|---|---|---|");
        var n = 0;
        foreach (var row in _rows)
        {
            var verdict = row.Verdict switch
            {
                Verdict.Pass => "pass",
                Verdict.Fail => "**FAIL**",
                Verdict.Info => "info",
                _ => "**ERROR**",
            };
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {++n} | {Cell(row.Metric)} | {Cell(row.Target)} | {Cell(row.Measured)} | {verdict} | {Cell(row.Notes)} |");
        }

        return sb.ToString();
    }

    private static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}

internal static class Log
{
    private static readonly Stopwatch Since = Stopwatch.StartNew();

    public static void Line(string message) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{Since.Elapsed.TotalSeconds,7:0.0}s] {message}"));
}

internal static class Fmt
{
    public static string Ms(double ms) => ms.ToString(ms < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " ms";

    public static string Ms(TimeSpan t) => Ms(t.TotalMilliseconds);

    public static string Rate(double perSecond) => perSecond.ToString("N0", CultureInfo.InvariantCulture) + " msg/s";

    public static string MB(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

    public static string N(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>Samples a counter over time, to find the sustained rate between two levels (ramp-up and tail excluded).</summary>
internal sealed class RateSampler : IAsyncDisposable
{
    private readonly List<(double Seconds, long Value)> _samples = [];
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _loop;

    public RateSampler(Func<long> read, TimeSpan every)
    {
        var sw = Stopwatch.StartNew();
        _loop = Task.Run(async () =>
        {
            while (!_cts.IsCancellationRequested)
            {
                var value = read();
                lock (_samples)
                {
                    _samples.Add((sw.Elapsed.TotalSeconds, value));
                }

                try
                {
                    await Task.Delay(every, _cts.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
    }

    /// <summary>Messages per second between the first samples at or above <paramref name="from"/> and <paramref name="to"/>.</summary>
    public double RateBetween(long from, long to)
    {
        lock (_samples)
        {
            var a = _samples.FindIndex(s => s.Value >= from);
            var b = _samples.FindIndex(s => s.Value >= to);
            if (b < 0)
            {
                return double.NaN;
            }

            if (a < 0 || a >= b || _samples[b].Seconds - _samples[a].Seconds < 0.05)
            {
                // Too short to trust the middle alone (a small batch): take the whole run, from the last sample before it.
                a = Math.Max(0, b == 0 ? 0 : _samples.FindLastIndex(b - 1, s => s.Value < from));
            }

            if (a >= b)
            {
                return double.NaN;
            }

            return (_samples[b].Value - _samples[a].Value) / (_samples[b].Seconds - _samples[a].Seconds);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        await _loop;
        _cts.Dispose();
    }
}

internal static class Stats
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = p / 100.0 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (rank - lo));
    }
}
