using WorldWeb.Client.Contracts;
using WorldWeb.Server.Cluster;

namespace WorldWeb.Tests.Server;

/// <summary>Where placement sends a new world, from the nodes' reports (<see cref="PlacementRanking"/>).</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class PlacementRankingTests
{
    [Fact]
    public void ANodeThatHasNotMeasured_DoesNotDrawEveryNewWorldOfABurst()
    {
        // "a" measured room for 12 worlds and runs 4; "b" just joined and has run nothing, so measured nothing.
        Dictionary<string, NodeInfo> reports = new()
        {
            ["a"] = Node("a", new NodeModelInfo("default", 12, 4, 40)),
            ["b"] = Node("b", new NodeModelInfo("default", null, 0, 0)),
        };

        Dictionary<string, int> placed = Burst(reports, 20);

        Assert.InRange(placed["b"], 1, 14);  // it takes worlds, and measures with its first run, but not every one
        Assert.InRange(placed["a"], 6, 19);
    }

    [Fact]
    public void ANodeWhoseModelIsOutOfPlay_GetsNoneOfItsWorlds_WhateverItsRoom()
    {
        Dictionary<string, NodeInfo> reports = new()
        {
            ["a"] = Node("a", new NodeModelInfo("default", 12, 10, 40)),
            ["b"] = Node("b", new NodeModelInfo("default", 100, 0, 4, OutOfPlay: true)),
        };

        Dictionary<string, int> placed = Burst(reports, 5);

        Assert.Equal(5, placed["a"]);
        Assert.Equal(0, placed["b"]);
    }

    [Fact]
    public void NoNodeHasMeasured_TheWorldsSpread()
    {
        Dictionary<string, NodeInfo> reports = new()
        {
            ["a"] = Node("a", new NodeModelInfo("default", null, 0, 0)),
            ["b"] = Node("b", new NodeModelInfo("default", null, 0, 0)),
        };

        Dictionary<string, int> placed = Burst(reports, 10);

        Assert.Equal((5, 5), (placed["a"], placed["b"]));
    }

    [Fact]
    public void ANodeThatRunsItsMostWorlds_GetsNone_WhileAnotherHasAPlace()
    {
        // "a" measured far more room, but runs its Worlds:MaxLiveWorlds of 2 and would refuse a third; "b" has one place.
        Dictionary<string, NodeInfo> reports = new()
        {
            ["a"] = Node("a", new NodeModelInfo("default", 100, 2, 4)) with { MaxWorlds = 2 },
            ["b"] = Node("b", new NodeModelInfo("default", 12, 1, 40)) with { MaxWorlds = 2 },
        };

        Assert.Equal("b", PlacementRanking.Best("default", reports.Keys, n => reports[n], _ => 0));
        Assert.Null(PlacementRanking.Best("default", reports.Keys, n => reports[n], n => n == "b" ? 1 : 0));  // b's place just went
    }

    /// <summary>Places <paramref name="worlds"/> worlds one after another before the reports are read again, as a burst does.</summary>
    private static Dictionary<string, int> Burst(Dictionary<string, NodeInfo> reports, int worlds)
    {
        Dictionary<string, int> placed = reports.Keys.ToDictionary(k => k, _ => 0);
        for (int i = 0; i < worlds; i++)
        {
            string chosen = PlacementRanking.Best("default", reports.Keys, n => reports[n], n => placed[n])!;
            placed[chosen]++;
        }
        return placed;
    }

    private static NodeInfo Node(string address, NodeModelInfo model) =>
        new(address, $"http://{address}", "Active", false, "Cpu", model.Worlds, 0, 20, [model], [], DateTimeOffset.UtcNow);
}
