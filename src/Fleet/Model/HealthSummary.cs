namespace ChoriaDashboard.Fleet.Model;

/// <summary>Nagios health counts over the latest state of every check.</summary>
/// <param name="NotChecked">Checks with no result yet (<c>NOTCHECKED</c>, <c>SKIPPED</c>): neither OK nor a problem.</param>
public sealed record HealthSummary(int Ok, int Warning, int Critical, int Unknown, int NotChecked = 0)
{
    public static readonly HealthSummary Empty = new(0, 0, 0, 0);

    /// <summary>Every check, with or without a result.</summary>
    public int Total => Ok + Warning + Critical + Unknown + NotChecked;
}
