using System.Text;
using System.Text.Json;
using ChoriaDashboard.Api;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using Xunit;
using static ChoriaDashboard.TestKit.TestSnapshots;

namespace ChoriaDashboard.Tests.Api;

/// <summary>What a spreadsheet or a script gets from an export: every row, text as sent, formulas never run.</summary>
public sealed class NodeExportTests
{
    private static readonly DateTimeOffset Seen = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static async Task<string> CsvAsync(params NodeSnapshot[] rows)
    {
        using var stream = new MemoryStream();
        await NodeExport.WriteCsvAsync(stream, rows, CancellationToken.None);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public async Task WriteCsv_Rows_HeaderThenOneLinePerNode()
    {
        var csv = await CsvAsync(Node("web-2", NodeState.Live, "0.29.4", lastSeen: Seen), Node("web-10", NodeState.Dead, null, lastSeen: Seen));

        Assert.Equal(
            "identity,component,version,upgradingTo,state,lastSeen,lastEvent,firstSeen,aliveEvery,aliveIntervals\r\n" +
            "web-2,server,0.29.4,,live,2026-11-25T09:00:00.0000000+00:00,alive,2026-11-25T09:00:00.0000000+00:00,,0\r\n" +
            "web-10,server,,,dead,2026-11-25T09:00:00.0000000+00:00,alive,2026-11-25T09:00:00.0000000+00:00,,0\r\n",
            csv);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil\")")]
    [InlineData("+1+2")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1)")]
    public async Task WriteCsv_CellStartingLikeAFormula_EscapedAsText(string hostile)
    {
        var csv = await CsvAsync(Node("web-1", NodeState.Live, hostile, lastSeen: Seen));

        var line = csv.Split("\r\n")[1];
        // A leading apostrophe makes a spreadsheet show the cell as text; the value is otherwise kept as sent.
        Assert.Contains("'" + hostile.Replace("\"", "\"\"", StringComparison.Ordinal), line, StringComparison.Ordinal);
        Assert.DoesNotContain("," + hostile, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteCsv_CommasQuotesAndNewlines_QuotedPerRfc4180()
    {
        var csv = await CsvAsync(Node("web-1", NodeState.Live, "a,\"b\"\nc", lastSeen: Seen));

        Assert.Contains(",\"a,\"\"b\"\"\nc\",", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteJson_Rows_ArrayOfObjectsWithTheSameColumns()
    {
        using var stream = new MemoryStream();
        await NodeExport.WriteJsonAsync(stream, [Node("<b>web-1</b>", NodeState.Stale, "0.29.4", lastSeen: Seen)], CancellationToken.None);

        using var json = JsonDocument.Parse(stream.ToArray());
        var row = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(NodeExport.Columns, row.EnumerateObject().Select(p => p.Name));
        Assert.Equal("<b>web-1</b>", row.GetProperty("identity").GetString());
        Assert.Equal("stale", row.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("upgradingTo").ValueKind);
        Assert.Equal(Seen, row.GetProperty("lastSeen").GetDateTimeOffset());
    }
}
