namespace ChoriaDashboard.Fleet.Model;

/// <summary>How many nodes of a component run one version.</summary>
/// <param name="Nodes">All nodes known on this version, whatever their state.</param>
/// <param name="Active">Those live or stale: what is actually running.</param>
public sealed record VersionCount(string Version, int Nodes, int Active)
{
    /// <summary>The version counted for nodes whose version is not known (only a shutdown or provisioned was seen).</summary>
    public const string Unknown = "unknown";

    /// <summary>
    /// The bucket for nodes on versions beyond <c>Fleet:MaxVersionsPerComponent</c> distinct ones (listed last); also
    /// the chart line for the versions beyond the largest few.
    /// </summary>
    public const string Other = "(other versions)";
}
