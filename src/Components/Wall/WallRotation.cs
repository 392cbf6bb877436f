namespace ChoriaDashboard.Components.Wall;

/// <summary>One screen of a rotating board: a view, and for the component view the component it shows.</summary>
public readonly record struct WallSlide(WallView View, string? Component = null);

/// <summary>
/// Which slide is on screen and which page of its lists: the slide changes every <c>interval</c>, the pages of the
/// slide on screen every <c>page</c> interval. A slide's pages carry on where they stopped when it comes back, so every
/// page of a long list is shown even when a slide shows for less time than its pages take.
/// </summary>
public sealed class WallRotation
{
    private readonly Dictionary<WallSlide, long> _pageTurns = [];
    private DateTimeOffset _slideSince;
    private DateTimeOffset _pageSince;

    public WallRotation(DateTimeOffset now)
    {
        _slideSince = now;
        _pageSince = now;
    }

    public IReadOnlyList<WallSlide> Slides { get; private set; } = [new WallSlide(WallView.Overview)];

    /// <summary>The position of the slide on screen in <see cref="Slides"/>.</summary>
    public int Index { get; private set; }

    public WallSlide Current => Slides[Index];

    /// <summary>Sets the slides to rotate through (at least one); the slide on screen stays if it is still among them.</summary>
    public void SetSlides(IReadOnlyList<WallSlide> slides)
    {
        if (slides.Count == 0 || slides.SequenceEqual(Slides))
        {
            return;
        }

        var current = Current;
        Slides = [.. slides];
        var kept = Slides.ToList().IndexOf(current);
        Index = kept >= 0 ? kept : Math.Min(Index, Slides.Count - 1);
        foreach (var gone in _pageTurns.Keys.Where(k => !Slides.Contains(k)).ToArray())
        {
            _pageTurns.Remove(gone);
        }
    }

    /// <summary>Moves to the next slide or page when their time is up; true when what is on screen changed.</summary>
    public bool Tick(DateTimeOffset now, TimeSpan interval, TimeSpan pageInterval)
    {
        if (Slides.Count > 1 && now - _slideSince >= interval)
        {
            Index = (Index + 1) % Slides.Count;
            _slideSince = now;
            _pageSince = now;
            return true;
        }

        if (now - _pageSince >= pageInterval)
        {
            _pageTurns[Current] = _pageTurns.GetValueOrDefault(Current) + 1;
            _pageSince = now;
            return true;
        }

        return false;
    }

    /// <summary>The page of a list of <paramref name="pageCount"/> pages on the slide on screen (0-based).</summary>
    public int Page(int pageCount) => pageCount <= 1 ? 0 : (int)(_pageTurns.GetValueOrDefault(Current) % pageCount);

    /// <summary>How many pages <paramref name="count"/> rows take at <paramref name="pageSize"/> rows a page (at least 1).</summary>
    public static int PageCount(int count, int pageSize) => Math.Max(1, (count + pageSize - 1) / pageSize);
}
