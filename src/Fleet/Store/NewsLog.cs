using System.Collections.Immutable;
using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Fleet.Store;

/// <summary>
/// The newest notable news (<c>Fleet:NotableChangesLength</c>, <see cref="FleetNews.IsNotable"/>), for the overview's
/// feed. The writer adds; readers get an immutable copy, newest first, built at most once per change however many pages
/// read it.
/// </summary>
internal sealed class NewsLog(int length)
{
    private readonly Lock _lock = new();
    private readonly Queue<FleetNews> _news = new(Math.Max(0, length));
    private ImmutableArray<FleetNews>? _published = [];

    public void Add(FleetNews news)
    {
        if (length <= 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_news.Count >= length)
            {
                _news.Dequeue();
            }

            _news.Enqueue(news);
            _published = null;
        }
    }

    /// <summary>Newest first.</summary>
    public ImmutableArray<FleetNews> Recent
    {
        get
        {
            lock (_lock)
            {
                return _published ??= [.. _news.Reverse()];
            }
        }
    }
}
