using Xunit;

namespace ChoriaDashboard.Tests.Cluster;

/// <summary>
/// Tests that each start a three-node nats-server cluster of their own: one at a time, so no more than one cluster (three
/// servers and their JetStream stores) runs beside the rest of the suite on a small machine.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection
{
    public const string Name = "nats cluster";
}
