namespace ChoriaDashboard.Fleet.Model;

/// <summary>Nagios health counts over the latest state of every check; a check whose result is no longer current counts only as stale.</summary>
/// <param name="NotChecked">Checks with no result yet (<c>NOTCHECKED</c>, <c>SKIPPED</c>): neither OK nor a problem.</param>
/// <param name="Stale">Checks whose last result is no longer current (<see cref="WatcherSnapshot.IsStale"/>), whatever it was.</param>
public sealed record HealthSummary(int Ok, int Warning, int Critical, int Unknown, int NotChecked = 0, int Stale = 0)
{
    public static readonly HealthSummary Empty = new(0, 0, 0, 0);

    /// <summary>Every check, with or without a result, current or not.</summary>
    public int Total => Ok + Warning + Critical + Unknown + NotChecked + Stale;
}
