using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using ChoriaDashboard.TestKit;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet.Queries;

/// <summary>Check lists computed once per filter and fleet revision, shared by every page that shows them.</summary>
public sealed class CheckListCacheTests
{
    [Fact]
    public void Get_ManyPagesSameFilterSameRevision_ComputedOnceAndShared()
    {
        var fleet = Fleet();
        var cache = new CheckListCache(fleet, 4);

        var lists = Enumerable.Range(0, 20).Select(_ => cache.Get(new CheckQuery { Statuses = CheckQuery.ParseStatuses("critical") }, fleet.Summary.Revision)).ToArray();

        Assert.Equal(1, cache.Computed);
        Assert.All(lists, rows => Assert.Same(lists[0], rows));
        Assert.Equal(["crit.example.net"], lists[0].Select(r => r.Identity));
    }

    [Fact]
    public void Get_StatusesInAnotherOrder_SameList()
    {
        var fleet = Fleet();
        var cache = new CheckListCache(fleet, 4);

        var one = cache.Get(new CheckQuery { Statuses = CheckQuery.ParseStatuses("critical,warning") }, fleet.Summary.Revision);
        var other = cache.Get(new CheckQuery { Statuses = CheckQuery.ParseStatuses("warning,critical") }, fleet.Summary.Revision);

        Assert.Same(one, other);
        Assert.Equal(1, cache.Computed);
    }

    [Fact]
    public void Get_NewerRevision_RecomputedWithTheChange()
    {
        var fleet = Fleet();
        var cache = new CheckListCache(fleet, 4);
        var query = new CheckQuery { Statuses = CheckQuery.ParseStatuses("critical") };
        cache.Get(query, fleet.Summary.Revision);

        Check(fleet, "late.example.net", NagiosStatus.Critical);
        var rows = cache.Get(query, fleet.Summary.Revision);

        Assert.Equal(2, cache.Computed);
        Assert.Equal(["crit.example.net", "late.example.net"], rows.Select(r => r.Identity).Order());
    }

    [Fact]
    public void Get_MoreFiltersThanCapacity_KeepsTheMostRecentlyUsed()
    {
        var fleet = Fleet();
        var cache = new CheckListCache(fleet, 2);
        var critical = new CheckQuery { Statuses = CheckQuery.ParseStatuses("critical") };
        var warning = new CheckQuery { Statuses = CheckQuery.ParseStatuses("warning") };
        var disk = new CheckQuery { Check = "disk" };

        var kept = cache.Get(critical, fleet.Summary.Revision);
        cache.Get(warning, fleet.Summary.Revision);
        cache.Get(critical, fleet.Summary.Revision);
        cache.Get(disk, fleet.Summary.Revision);

        Assert.Same(kept, cache.Get(critical, fleet.Summary.Revision));
        Assert.Equal(3, cache.Computed);
        cache.Get(warning, fleet.Summary.Revision);
        Assert.Equal(4, cache.Computed);
    }

    private static FakeFleetStore Fleet()
    {
        var fleet = new FakeFleetStore();
        Check(fleet, "crit.example.net", NagiosStatus.Critical);
        Check(fleet, "warn.example.net", NagiosStatus.Warning);
        Check(fleet, "ok.example.net", NagiosStatus.Ok);
        return fleet;
    }

    /// <summary>A nagios check "disk" on <paramref name="identity"/>, published as the writer would (a new revision).</summary>
    private static void Check(FakeFleetStore fleet, string identity, NagiosStatus health) =>
        fleet.PublishMachine(identity, "check_disk", new MachineSnapshot { State = health.ToString().ToUpperInvariant() },
            ("disk", WatcherTypes.Nagios, new WatcherSnapshot { ReceivedAt = DateTimeOffset.UnixEpoch, Health = health, Output = health.ToString() }));
}
