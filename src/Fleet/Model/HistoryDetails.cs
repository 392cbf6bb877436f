namespace ChoriaDashboard.Fleet.Model;

/// <summary>
/// The distinct detail strings of node histories (versions, "old → new"), numbered, so a history entry stores a 4-byte
/// number instead of an 8-byte reference and fits in 16 bytes instead of 24 (see docs/benchmarks.md). A fleet has a
/// few dozen; at most <c>capacity</c> (<c>Fleet:MaxHistoryDetails</c>) are kept, and entries with a detail beyond it
/// keep none. One writer adds; readers look numbers up at any time.
/// </summary>
internal sealed class HistoryDetails
{
    /// <summary>Keeps no details: for snapshots built outside the fleet (tests, fakes).</summary>
    public static readonly HistoryDetails None = new(0);

    private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
    private readonly int _capacity;
    private string[] _strings = [];
    private int _count;

    public HistoryDetails(int capacity) => _capacity = Math.Max(0, capacity);

    /// <summary>Details numbered so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Writer only: the number of <paramref name="detail"/>; 0 for null or when the table is full.</summary>
    public int NumberOf(string? detail)
    {
        if (detail is null)
        {
            return 0;
        }

        if (_numbers.TryGetValue(detail, out var number))
        {
            return number;
        }

        if (_count >= _capacity)
        {
            return 0;
        }

        if (_count == _strings.Length)
        {
            // Readers may hold the old array: they only read numbers handed out before, which both arrays hold.
            var grown = new string[Math.Min(Math.Max(_strings.Length * 2, 8), _capacity)];
            Array.Copy(_strings, grown, _count);
            Volatile.Write(ref _strings, grown);
        }

        _strings[_count] = detail;
        number = _count + 1;
        Volatile.Write(ref _count, number);
        _numbers[detail] = number;
        return number;
    }

    /// <summary>The detail numbered <paramref name="number"/>; null for 0 (and for a number never handed out).</summary>
    public string? this[int number]
    {
        get
        {
            var strings = Volatile.Read(ref _strings);
            return number > 0 && number <= strings.Length ? strings[number - 1] : null;
        }
    }
}
