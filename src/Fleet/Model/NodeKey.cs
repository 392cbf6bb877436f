namespace ChoriaDashboard.Fleet.Model;

/// <summary>One component on one node; the same identity can run several components.</summary>
public readonly record struct NodeKey(string Identity, string Component)
{
    public override string ToString() => $"{Identity}/{Component}";
}
