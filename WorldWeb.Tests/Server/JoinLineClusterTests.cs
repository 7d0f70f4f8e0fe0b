using System.Diagnostics;
using WorldWeb.Client.Contracts;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Server;

/// <summary>Two real server processes, one cluster, each running one world at most: one line for both.</summary>
[Trait(Category.Name, Category.Postgres)]
public sealed class JoinLineClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task JoinsOnEitherNode_StandInOneLine_AndAPlaceFreedOnEitherNodeAdmitsItsHead()
    {
        var settings = new Dictionary<string, string>(JoinLineTests.Full) { ["Cluster__Id"] = $"cluster-{Guid.NewGuid():N}" };
        await using ServerProcess a = await ServerProcess.StartAsync(settings: settings);
        await using ServerProcess b = await ServerProcess.StartAsync(settings: settings);
        try
        {
            await PlayInOneLineAsync(a, b);
        }
        catch
        {
            ShowPlacements(a, b);
            throw;
        }
    }

    private async Task PlayInOneLineAsync(ServerProcess a, ServerProcess b)
    {
        var clock = Stopwatch.StartNew();
        await using LineVisitor first = await LineVisitor.ArriveAsync(a, "10.7.0.1", seed: 51);
        await using LineVisitor second = await LineVisitor.ArriveAsync(b, "10.7.0.2", seed: 52);
        FrameStream occupyingOne = await first.PlayInTurnAsync();
        // Placement sends the second world to the node with a place (or, while a report lags, it waits its turn for it).
        FrameStream occupyingTwo = await second.PlayInTurnAsync();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: both nodes full");
        string one = await ClusterTests.OwnerUrl(first.Http, first.World), two = await ClusterTests.OwnerUrl(second.Http, second.World);
        Assert.NotEqual(one, two);

        // Waiting through B, then through A: one line, so the second to come is second, not first at its node.
        await using LineVisitor viaB = await LineVisitor.ArriveAsync(b, "10.7.0.3", seed: 53);
        await using LineVisitor viaA = await LineVisitor.ArriveAsync(a, "10.7.0.4", seed: 54);
        var lineViaB = await viaB.WaitInLineAsync();
        Assert.Equal(1, (await LineVisitor.UntilAsync(lineViaB, _ => true)).Position);
        var lineViaA = await viaA.WaitInLineAsync();
        Assert.Equal(2, (await LineVisitor.UntilAsync(lineViaA, _ => true)).Position);

        // A place freed on one node admits the head, wherever it waits; the next place, on the other node, the next.
        await occupyingOne.DisposeAsync();
        TimeSpan freed = clock.Elapsed;
        await LineVisitor.UntilAsync(lineViaB, p => p.Admitted);
        output.WriteLine($"the head admitted {(clock.Elapsed - freed).TotalSeconds:F1} s after the first stopped watching");
        await using FrameStream playingViaB = await viaB.PlayAsync();
        Assert.Equal(one, await ClusterTests.OwnerUrl(viaB.Http, viaB.World));
        await LineVisitor.UntilAsync(lineViaA, p => p.Position == 1);

        await occupyingTwo.DisposeAsync();
        freed = clock.Elapsed;
        await LineVisitor.UntilAsync(lineViaA, p => p.Admitted);
        output.WriteLine($"the next admitted {(clock.Elapsed - freed).TotalSeconds:F1} s after the second stopped watching");
        await using FrameStream playingViaA = await viaA.PlayAsync();
        Assert.Equal(two, await ClusterTests.OwnerUrl(viaA.Http, viaA.World));
    }

    /// <summary>Where the nodes placed worlds, and their warnings: the story of a place not found.</summary>
    private void ShowPlacements(params ServerProcess[] nodes)
    {
        foreach (ServerProcess node in nodes)
        {
            output.WriteLine($"--- {node.Address}");
            foreach (string line in node.Output.Split('\n').Where(l => l.Contains("placed") || l.Contains("fail:") || l.Contains("warn:")).Take(80))
            {
                output.WriteLine(line);
            }
        }
    }
}
