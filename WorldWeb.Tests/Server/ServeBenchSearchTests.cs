using WorldWeb.Server.Bench;

namespace WorldWeb.Tests.Server;

/// <summary>How <c>bench serve</c> finds the most worlds that hold the fps, given which counts hold.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class ServeBenchSearchTests
{
    [Theory]
    [InlineData(64, 17)]   // between powers of two: found to the world, not to within an eighth (16)
    [InlineData(64, 29)]   // where an eighth of 28 would have stopped at 28 and made 1.75× of 1.81×
    [InlineData(64, 1)]
    [InlineData(64, 0)]    // not even one world holds
    [InlineData(24, 24)]   // every count up to the requested one holds
    [InlineData(24, 23)]
    public async Task TheSearch_FindsTheEdgeToOneWorld_AndNeverProbesPastTheRequestedCount(int most, int edge)
    {
        var probed = new List<int>();

        int found = await ServeBench.MostWorldsAtFpsAsync(most, count =>
        {
            probed.Add(count);
            return Task.FromResult(count <= edge);
        });

        Assert.Equal(edge, found);
        Assert.All(probed, count => Assert.InRange(count, 1, most));
        Assert.Equal(probed.Count, probed.Distinct().Count());
    }
}
