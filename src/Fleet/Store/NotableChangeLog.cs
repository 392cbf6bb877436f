using System.Collections.Immutable;
using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Fleet.Store;

/// <summary>
/// The newest notable changes (<c>Fleet:NotableChangesLength</c>), for the overview's feed. The writer adds; readers get
/// an immutable copy, newest first, built at most once per change however many pages read it.
/// </summary>
internal sealed class NotableChangeLog(int length)
{
    private readonly Lock _lock = new();
    private readonly Queue<NotableChange> _changes = new(Math.Max(0, length));
    private ImmutableArray<NotableChange>? _published = [];

    public void Add(NotableChange change)
    {
        if (length <= 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_changes.Count >= length)
            {
                _changes.Dequeue();
            }

            _changes.Enqueue(change);
            _published = null;
        }
    }

    /// <summary>Newest first.</summary>
    public ImmutableArray<NotableChange> Recent
    {
        get
        {
            lock (_lock)
            {
                return _published ??= [.. _changes.Reverse()];
            }
        }
    }
}
