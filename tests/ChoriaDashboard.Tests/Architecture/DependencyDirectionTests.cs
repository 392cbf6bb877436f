using System.Reflection;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Store;
using NetArchTest.Rules;
using Xunit;

namespace ChoriaDashboard.Tests.Architecture;

/// <summary>
/// Dependencies point one way: Events &lt;- Ingest -&gt; Fleet &lt;- (Components, Api); Simulation publishes like a
/// Choria node (Events, Ingest's connection options); Hosting wires everything. Readers see the fleet only through
/// its reading interfaces (<see cref="IFleetView"/> and its siblings), never the writer's namespaces.
/// </summary>
public sealed class DependencyDirectionTests
{
    private const string Root = "ChoriaDashboard";

    private static readonly Assembly App = typeof(FleetStore).Assembly;

    private static readonly string[] Layers = ["Events", "Ingest", "Fleet", "Components", "Api", "Simulation", "Webhooks", "Hosting"];

    /// <summary>Each layer and the other layers it may use.</summary>
    public static TheoryData<string, string[]> Allowed => new()
    {
        { "Events", [] },
        { "Ingest", ["Events", "Fleet"] },
        { "Fleet", ["Events"] },
        { "Components", ["Events", "Fleet", "Webhooks"] },
        { "Api", ["Events", "Fleet"] },
        { "Simulation", ["Events", "Ingest"] },
        // Webhooks post the node as the API shows it (NodeItem) and add the dashboard's own metrics families.
        { "Webhooks", ["Events", "Fleet", "Api"] },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void Layer_UsesOnlyTheLayersBelowIt(string layer, string[] allowed)
    {
        var forbidden = Layers.Where(l => l != layer && !allowed.Contains(l)).Select(l => $"{Root}.{l}").ToArray();

        var result = Types.InAssembly(App).That().ResideInNamespace($"{Root}.{layer}").ShouldNot().HaveDependencyOnAny(forbidden).GetResult();

        Assert.True(result.IsSuccessful, $"{layer} depends the wrong way: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    /// <summary>The fleet's writer side: the store and its loop, the rules, the raw capture the ingest writes.</summary>
    private static readonly string[] WriterNamespaces = [$"{Root}.Fleet.Store", $"{Root}.Fleet.Rules", $"{Root}.Fleet.Raw"];

    /// <summary>Pages, endpoints, and the fleet's own reading side see the fleet only through its reading interfaces.</summary>
    [Theory]
    [InlineData("Components")]
    [InlineData("Api")]
    [InlineData("Webhooks")]
    [InlineData("Fleet.Model")]
    [InlineData("Fleet.Queries")]
    [InlineData("Fleet.Status")]
    public void Reader_NeverTouchesTheWritersNamespaces(string reader)
    {
        var result = Types.InAssembly(App).That().ResideInNamespace($"{Root}.{reader}").ShouldNot().HaveDependencyOnAny(WriterNamespaces).GetResult();

        Assert.True(result.IsSuccessful, $"{reader} reaches into the fleet's writer side: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void ReadingInterfaces_NeverTouchTheWritersNamespaces()
    {
        // The root namespace alone (the reading interfaces, the stream, the options), not its sub-namespaces.
        var types = Types.InAssembly(App).That().ResideInNamespaceMatching($"^{Root}\\.Fleet$");
        Assert.Contains(typeof(IFleetView), types.GetTypes());

        var result = types.ShouldNot().HaveDependencyOnAny(WriterNamespaces).GetResult();

        Assert.True(result.IsSuccessful, $"the fleet's reading side reaches into its writer side: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Theory]
    [InlineData("Components")]
    [InlineData("Api")]
    [InlineData("Webhooks")]
    public void Reader_SeesTheFleetOnlyThroughItsReadingInterfaces(string layer)
    {
        string[] writerSide =
        [
            typeof(FleetStore).FullName!, typeof(IFleetWriter).FullName!, $"{Root}.Fleet.Rules.FleetState",
            $"{Root}.Fleet.Model.NodeActivity", $"{Root}.Fleet.Model.HistoryDetails", $"{Root}.Fleet.Model.SmallDictionary`1", typeof(IngestCounters).FullName!,
        ];

        var result = Types.InAssembly(App).That().ResideInNamespace($"{Root}.{layer}").ShouldNot().HaveDependencyOnAny(writerSide).GetResult();

        Assert.True(result.IsSuccessful, $"{layer} reaches into the fleet's writer side: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void Checker_SeesARealNamespaceDependency()
    {
        // Guards the namespace rules above against passing because the checker saw nothing: the store does use the rules.
        var result = Types.InAssembly(App).That().ResideInNamespace($"{Root}.Fleet.Store").ShouldNot().HaveDependencyOnAny(WriterNamespaces[1..]).GetResult();

        Assert.False(result.IsSuccessful);
    }

    [Fact]
    public void Checker_SeesARealDependency()
    {
        // Guards the rules above against passing because the checker saw nothing: Hosting does wire Ingest.
        var result = Types.InAssembly(App).That().ResideInNamespace($"{Root}.Hosting").ShouldNot().HaveDependencyOn($"{Root}.Ingest").GetResult();

        Assert.False(result.IsSuccessful);
    }

    [Fact]
    public void EveryLayer_HasTypes()
    {
        var namespaces = App.GetTypes().Select(t => t.Namespace ?? "").ToHashSet();

        Assert.All(Layers, l => Assert.Contains(namespaces, n => n == $"{Root}.{l}" || n.StartsWith($"{Root}.{l}.", StringComparison.Ordinal)));
    }
}
