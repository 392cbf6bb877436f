using System.Globalization;
using System.Text;

namespace ChoriaDashboard.Api.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format): a <c># HELP</c> and a
/// <c># TYPE</c> line per family, then one line per sample, <c>name{label="value",...} value</c>. Label values are
/// escaped (<c>\\</c>, <c>\"</c>, <c>\n</c>), help texts too (<c>\\</c>, <c>\n</c>). Numbers are written as Go's
/// client writes them: integers without a fraction, <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>.
/// </summary>
public sealed class Exposition
{
    /// <summary>The Content-Type of a scrape body in this format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();

    /// <summary>Starts a family: <paramref name="type"/> is <c>counter</c>, <c>gauge</c> or <c>summary</c>.</summary>
    public Exposition Family(string name, string type, string help)
    {
        _text.Append("# HELP ").Append(name).Append(' ');
        foreach (var c in help)
        {
            _ = c switch
            {
                '\\' => _text.Append(@"\\"),
                '\n' => _text.Append(@"\n"),
                _ => _text.Append(c),
            };
        }

        _text.Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        return this;
    }

    /// <summary>One sample of the family begun last; <paramref name="labels"/> pair names with values, in order.</summary>
    public Exposition Sample(string name, ReadOnlySpan<string> labelNames, ReadOnlySpan<string> labelValues, double value)
    {
        _text.Append(name);
        if (labelNames.Length > 0)
        {
            _text.Append('{');
            for (var i = 0; i < labelNames.Length; i++)
            {
                if (i > 0)
                {
                    _text.Append(',');
                }

                _text.Append(labelNames[i]).Append("=\"");
                AppendLabelValue(labelValues[i]);
                _text.Append('"');
            }

            _text.Append('}');
        }

        _text.Append(' ');
        AppendValue(value);
        _text.Append('\n');
        return this;
    }

    /// <summary>The body written so far.</summary>
    public override string ToString() => _text.ToString();

    private void AppendLabelValue(string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => _text.Append(@"\\"),
                '"' => _text.Append("\\\""),
                '\n' => _text.Append(@"\n"),
                _ => _text.Append(c),
            };
        }
    }

    private void AppendValue(double value)
    {
        if (double.IsNaN(value))
        {
            _text.Append("NaN");
        }
        else if (double.IsPositiveInfinity(value))
        {
            _text.Append("+Inf");
        }
        else if (double.IsNegativeInfinity(value))
        {
            _text.Append("-Inf");
        }
        else if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            _text.Append(((long)value).ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            _text.Append(value.ToString("R", CultureInfo.InvariantCulture));
        }
    }
}
