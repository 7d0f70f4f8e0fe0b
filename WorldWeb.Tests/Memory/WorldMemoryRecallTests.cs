using WorldWeb.Inference.Poses;
using WorldWeb.Memory;
using static WorldWeb.Tests.Memory.MemoryFixtures;

namespace WorldWeb.Tests.Memory;

[Trait(Category.Name, Category.Unit)]
public sealed class WorldMemoryRecallTests
{
    [Fact]
    public void Recall_ReturnsTheNearestEntriesFacingTheSameWay_BestFirst()
    {
        WorldMemory memory = Holding(new MemoryPolicy(),
            Entry(10, 5.0, 5.0, 0),     // right here, same heading: best
            Entry(11, 5.5, 5.0, 10),    // half a cell ahead, 10° off: second
            Entry(12, 5.9, 5.0, 0),     // 0.9 cells: third
            Entry(13, 5.0, 5.1, 90),    // close but looking elsewhere: out
            Entry(14, 7.0, 5.0, 0),     // 2 cells away: out
            Entry(15, 4.9, 4.9, 180));  // behind the player, facing back: out
        var into = new MemoryEntry?[3];

        int count = memory.Recall(new Pose(5.0, 5.0, 0), beforeStep: 100, into);

        Assert.Equal(3, count);
        Assert.Equal([10L, 11L, 12L], into.Select(e => e!.Step));
    }

    [Fact]
    public void Recall_SkipsEntriesNotOlderThanBeforeStep_AndCountsHits()
    {
        WorldMemory memory = Holding(new MemoryPolicy(), Entry(10, 1, 1, 0), Entry(20, 1, 1, 0), Entry(30, 1.2, 1, 0));
        var into = new MemoryEntry?[2];

        int count = memory.Recall(new Pose(1, 1, 0), beforeStep: 20, into);

        Assert.Equal(1, count);
        Assert.Equal(10, into[0]!.Step);
        Assert.Equal([1, 0, 0], memory.Entries.Select(e => e.Hits));
    }

    [Fact]
    public void Recall_AcrossGridCellBorders_FindsEntriesInNeighbouringCells()
    {
        WorldMemory memory = Holding(new MemoryPolicy(), Entry(1, -0.3, 2.95, 0), Entry(2, 0.4, 3.6, 0));
        var into = new MemoryEntry?[2];

        int count = memory.Recall(new Pose(0.05, 3.05, 0), beforeStep: 100, into);

        Assert.Equal(2, count);
        Assert.Equal([2L, 1L], into.Select(e => e!.Step).OrderDescending());
    }

    [Fact]
    public void RebuiltFromItsSnapshot_MemoryReturnsTheSameNeighbours()
    {
        var random = new Random(3);
        var live = new WorldMemory(new MemoryPolicy(), JpegFrames);
        long step = 0;
        foreach (Pose pose in Walk(seed: 5, steps: 3000, side: 12))
        {
            live.Remember(Frame(random), pose, ++step);
            live.Recall(pose, step - 8, new MemoryEntry?[2]);
        }

        WorldMemory rebuilt = WorldMemory.Restore(new MemoryPolicy(), JpegFrames, live.Snapshot(), live.Entries.Select(Copy));

        Assert.Equal(live.Snapshot().Entries, rebuilt.Snapshot().Entries);
        Assert.Equal(live.LastWriteStep, rebuilt.LastWriteStep);
        Assert.Equal(live.Stood.Places, rebuilt.Stood.Places);
        foreach (Pose pose in Walk(seed: 6, steps: 500, side: 12))
        {
            MemoryEntry?[] a = new MemoryEntry?[2], b = new MemoryEntry?[2];
            Assert.Equal(live.Recall(pose, step, a), rebuilt.Recall(pose, step, b));
            Assert.Equal(a.Select(e => e?.Step), b.Select(e => e?.Step));
            Assert.Equal(live.Stood.Contains(pose), rebuilt.Stood.Contains(pose));
        }
    }

    private static MemoryEntry Copy(MemoryEntry e) => new(e.Step, e.Pose, e.Encoded, JpegFrames.Decode(e.Encoded), e.Landmark);
}
