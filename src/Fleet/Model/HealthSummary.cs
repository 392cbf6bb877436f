namespace ChoriaDashboard.Fleet;

/// <summary>Nagios health counts over the latest state of every check.</summary>
public sealed record HealthSummary(int Ok, int Warning, int Critical, int Unknown)
{
    public static readonly HealthSummary Empty = new(0, 0, 0, 0);

    public int Total => Ok + Warning + Critical + Unknown;
}
