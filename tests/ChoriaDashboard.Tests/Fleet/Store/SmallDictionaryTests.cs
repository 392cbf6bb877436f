using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class SmallDictionaryTests
{
    [Fact]
    public void SetItem_NewAndExistingKeys_KeepsOrderAndLeavesTheOriginalUnchanged()
    {
        var empty = SmallDictionary<int>.Empty;
        var one = empty.SetItem("a", 1);
        var two = one.SetItem("b", 2);
        var replaced = two.SetItem("a", 10);

        Assert.True(empty.IsEmpty);
        Assert.Equal(1, one["a"]);
        Assert.False(one.ContainsKey("b"));
        Assert.Equal([new("a", 1), new("b", 2)], two.ToArray());
        Assert.Equal([new("a", 10), new("b", 2)], replaced.ToArray());
        Assert.Equal(["a", "b"], replaced.Keys);
        Assert.Equal([10, 2], replaced.Values);
    }

    [Fact]
    public void Remove_PresentAndAbsentKeys()
    {
        var map = SmallDictionary<int>.Empty.SetItem("a", 1).SetItem("b", 2).SetItem("c", 3);

        Assert.Equal([new("a", 1), new("c", 3)], map.Remove("b").ToArray());
        Assert.Same(map, map.Remove("zzz"));
        Assert.Same(SmallDictionary<int>.Empty, map.Remove("a").Remove("b").Remove("c"));
        Assert.Equal(3, map.Count);
    }

    [Fact]
    public void Lookup_IsOrdinal()
    {
        var map = SmallDictionary<int>.Empty.SetItem("Check", 1);

        Assert.False(map.TryGetValue("check", out _));
        Assert.True(map.TryGetValue("Check", out var value));
        Assert.Equal(1, value);
        Assert.Throws<KeyNotFoundException>(() => map["check"]);
    }
}
