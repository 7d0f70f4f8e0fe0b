using WorldWeb.Inference.Poses;
using WorldWeb.Memory;
using static WorldWeb.Tests.Memory.MemoryFixtures;

namespace WorldWeb.Tests.Memory;

[Trait(Category.Name, Category.Unit)]
public sealed class WorldMemoryBudgetTests
{
    [Fact]
    public void AfterLongPlay_EntriesAndBytesStayWithinTheBudget()
    {
        var policy = new MemoryPolicy { MaxEntries = 40, MaxBytes = 20_000 };
        var memory = new WorldMemory(policy, JpegFrames);
        var random = new Random(1);
        long step = 0, written = 0;
        foreach (Pose pose in Walk(seed: 1, steps: 20_000, side: 30))
        {
            written += memory.Remember(Frame(random), pose, ++step) is null ? 0 : 1;
            Assert.True(memory.Entries.Count <= policy.MaxEntries, $"{memory.Entries.Count} entries at step {step}");
            Assert.True(memory.Bytes <= policy.MaxBytes, $"{memory.Bytes} bytes at step {step}");
        }
        Assert.True(written > 10 * policy.MaxEntries, $"only {written} memories were written");
        Assert.Equal(memory.Entries.Sum(e => (long)e.Encoded.Length), memory.Bytes);
    }

    [Fact]
    public void WritePolicy_SkipsFramesThatAddNothing_AndWritesAtLeastEveryNSteps()
    {
        var policy = new MemoryPolicy { EverySteps = 50, NoveltyCells = 5 };
        var memory = new WorldMemory(policy, JpegFrames);
        byte[] frame = Frame(new Random(2));
        var writes = new List<long>();
        for (long step = 1; step <= 200; step++)
        {
            // Creeping along, seeing the same thing: only the first frame and the every-N rule write.
            if (memory.Remember(frame, new Pose(3 + step * 0.01, 3, 0), step) is not null)
            {
                writes.Add(step);
            }
        }
        Assert.Equal([1L, 51, 101, 151], writes);
    }

    [Fact]
    public void WritePolicy_KeepsTheFirstViewOfASpot()
    {
        var policy = new MemoryPolicy { EverySteps = 1 };
        var memory = new WorldMemory(policy, JpegFrames);
        var random = new Random(3);
        MemoryEntry first = memory.Remember(Frame(random), new Pose(3, 3, 0), 1)!;
        // Back at the same spot much later, showing something else (in play: the model's drifted view of it).
        for (long step = 100; step < 300; step++)
        {
            Assert.Null(memory.Remember(Frame(random), new Pose(3 + policy.SameSpotCells / 2, 3, 0.02), step));
        }
        Assert.Equal([first], memory.Entries);
        // A step away is another spot.
        Assert.NotNull(memory.Remember(Frame(random), new Pose(3 + 2 * policy.SameSpotCells, 3, 0), 300));
    }

    [Fact]
    public void WritePolicy_WritesWhenTheFrameDiffersFromTheNearestMemory_NotForNoise()
    {
        var memory = new WorldMemory(new MemoryPolicy(), JpegFrames);
        var random = new Random(4);
        byte[] dark = Frame(random).Select(b => (byte)(b / 4)).ToArray();
        byte[] bright = Frame(random).Select(b => (byte)(192 + b / 4)).ToArray();
        Assert.NotNull(memory.Remember(dark, new Pose(3, 3, 0), 1));
        // Same place, new noise, same picture: nothing new.
        Assert.Null(memory.Remember(Frame(random).Select(b => (byte)(b / 4)).ToArray(), new Pose(3.05, 3, 0), 2));
        // Same place, another picture (a door opened, the model changed its mind): remembered.
        Assert.NotNull(memory.Remember(bright, new Pose(3.1, 3, 0), 3));
    }

    [Fact]
    public void Eviction_TakesTheLeastRecalledOldMemory_NeverTheOneJustWritten()
    {
        var policy = new MemoryPolicy { MaxEntries = 3 };
        var random = new Random(6);
        // Three memories close together (so none is a landmark but the first), each recalled by now.
        WorldMemory memory = Holding(policy, Entry(1, 0, 0, 0, landmark: true), Entry(2, 0.5, 0, 0), Entry(3, 0.9, 0, 0));
        var into = new MemoryEntry?[2];
        memory.Recall(new Pose(0.5, 0, 0), 100, into);   // hits 2 and 1 or 3
        memory.Recall(new Pose(0.9, 0, 0), 100, into);

        MemoryEntry written = memory.Remember(Frame(random), new Pose(1.4, 0, 90 * Math.PI / 180), 200)!;

        Assert.Contains(written, memory.Entries);
        Assert.Equal(3, memory.Entries.Count);
        Assert.Contains(memory.Entries, e => e.Step == 1);  // the landmark stays
    }

    [Fact]
    public void Eviction_KeepsLandmarks()
    {
        var policy = new MemoryPolicy { MaxEntries = 30 };
        var memory = new WorldMemory(policy, JpegFrames);
        var random = new Random(5);
        // A first visit to a far corner: landmarks.
        long step = 0;
        foreach (Pose pose in new[] { new Pose(100, 100, 0), new Pose(110, 100, 0), new Pose(100, 110, 0) })
        {
            Assert.True(memory.Remember(Frame(random), pose, ++step)!.Landmark);
        }
        // Then a long time somewhere else.
        foreach (Pose pose in Walk(seed: 2, steps: 10_000, side: 4))
        {
            memory.Remember(Frame(random), pose, ++step);
        }
        Assert.Equal(policy.MaxEntries, memory.Entries.Count);
        Assert.Equal([1L, 2, 3], memory.Entries.Where(e => e.Pose.X >= 100 || e.Pose.Y >= 100).Select(e => e.Step));
    }
}
