using System.Globalization;

namespace ChoriaDashboard.LoadGen;

/// <summary>A small <c>--name value</c> / <c>--flag</c> parser: unknown names are an error, so a typo never runs a default.</summary>
internal sealed class Args
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public Args(IEnumerable<string> args)
    {
        string? pending = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (pending is not null)
                {
                    Add(pending, "true");
                }

                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                if (eq > 2)
                {
                    Add(arg[2..eq], arg[(eq + 1)..]);
                    pending = null;
                }
                else
                {
                    pending = arg[2..];
                }
            }
            else if (pending is not null)
            {
                Add(pending, arg);
                pending = null;
            }
            else
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }
        }

        if (pending is not null)
        {
            Add(pending, "true");
        }
    }

    private void Add(string name, string value)
    {
        if (!_values.TryGetValue(name, out var list))
        {
            _values[name] = list = [];
        }

        list.Add(value);
    }

    public string? String(string name)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var v) ? v[^1] : null;
    }

    public IReadOnlyList<string> All(string name)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var v) ? v : [];
    }

    public string String(string name, string fallback) => String(name) ?? fallback;

    public int Int(string name, int fallback) => String(name) is { } s ? int.Parse(s.Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string name) => String(name) is { } s && s != "false";

    /// <summary>Durations as <c>10s</c>, <c>250ms</c>, <c>2m</c> or a TimeSpan string.</summary>
    public TimeSpan Duration(string name, TimeSpan fallback)
    {
        if (String(name) is not { } s)
        {
            return fallback;
        }

        if (s.EndsWith("ms", StringComparison.Ordinal))
        {
            return TimeSpan.FromMilliseconds(double.Parse(s[..^2], CultureInfo.InvariantCulture));
        }

        if (s.EndsWith('s'))
        {
            return TimeSpan.FromSeconds(double.Parse(s[..^1], CultureInfo.InvariantCulture));
        }

        if (s.EndsWith('m'))
        {
            return TimeSpan.FromMinutes(double.Parse(s[..^1], CultureInfo.InvariantCulture));
        }

        return TimeSpan.Parse(s, CultureInfo.InvariantCulture);
    }

    /// <summary>Fails on any option nobody asked for.</summary>
    public void EnsureAllUsed()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}");
        }
    }
}
