using WorldWeb.Inference.Poses;
using WorldWeb.Memory;
using static WorldWeb.Tests.Memory.MemoryFixtures;

namespace WorldWeb.Tests.Memory;

[Trait(Category.Name, Category.Unit)]
public sealed class WorldMemoryChangeTests
{
    // Facing east at (5, 5): the wall painted is 0.2–1.5 cells ahead.
    private static readonly Pose Painter = At(5, 5, 0);

    [Fact]
    public void WorldChanged_ForgetsAnEarlierViewOfTheSpot_ThatRecallWouldReturn()
    {
        WorldMemory memory = Holding(new MemoryPolicy(), Entry(10, 5, 5, 0));
        var into = new MemoryEntry?[2];
        Assert.Equal(1, memory.Recall(Painter, beforeStep: 100, into));

        Assert.Equal(1, memory.WorldChanged(Painter, step: 50));

        Assert.Equal(0, memory.Recall(Painter, beforeStep: 100, into));
        Assert.Empty(memory.Entries);
        Assert.Equal(0, memory.Bytes);
    }

    [Fact]
    public void WorldChanged_KeepsViewsThatCouldNotShowTheSpot_AndTellsTheJournalOfEachForgotten()
    {
        MemoryEntry[] held =
        [
            Entry(1, 5, 5, 0),      // the painter's own earlier view: forgotten
            Entry(2, 3, 5, 0),      // two cells back, looking at it: forgotten
            Entry(3, 5, 5, 180),    // right there, looking away
            Entry(4, 5, 5, 90),     // right there, looking along the wall
            Entry(5, 13, 5, 180),   // looking at it from 6.5 cells and more
            Entry(6, 20, 20, 0),    // the other side of the maze
            Entry(60, 4.5, 5, 0),   // seen after the change
        ];
        var journal = new RecordingJournal();
        WorldMemory memory = WorldMemory.Restore(new MemoryPolicy(), JpegFrames,
            new MemorySnapshot(60, held.Select(e => new MemorySnapshot.Held(e.Step, 0)).ToArray()), held, journal);

        int forgotten = memory.WorldChanged(Painter, step: 50);

        Assert.Equal(2, forgotten);
        Assert.Equal([1L, 2], journal.Evicted);
        Assert.Equal([3L, 4, 5, 6, 60], memory.Entries.Select(e => e.Step));
        Assert.Equal(memory.Entries.Sum(e => (long)e.Encoded.Length), memory.Bytes);
    }

    [Theory]
    [InlineData(5, 5, 0)]        // still where it painted
    [InlineData(4.9, 5.05, 10)]  // a step off: in the painter's view's novelty range, not its same spot
    public void AfterWorldChanged_TheNextFrameIsWritten_EvenOneTheWriteRuleWouldCallTheSame(double x, double y, double degrees)
    {
        // The mark can be a few pixels: the worst case is a frame the frame-difference rule cannot tell from the old one.
        var policy = new MemoryPolicy();
        WorldMemory changed = new(policy, JpegFrames), unchanged = new(policy, JpegFrames);
        byte[] frame = Frame(new Random(1));
        Assert.NotNull(changed.Remember(frame, Painter, 1));
        Assert.NotNull(unchanged.Remember(frame, Painter, 1));

        changed.WorldChanged(Painter, step: 2);

        Assert.NotNull(changed.Remember(frame, At(x, y, degrees), 2));
        Assert.Null(unchanged.Remember(frame, At(x, y, degrees), 2));
    }

    [Fact]
    public void TheFirstViewAfterTheChange_StaysAndIsWhatARevisitRecalls()
    {
        var memory = new WorldMemory(new MemoryPolicy(), JpegFrames);
        var random = new Random(2);
        memory.Remember(Frame(random), Painter, 1);
        memory.WorldChanged(Painter, step: 30);
        MemoryEntry after = memory.Remember(Frame(random), Painter, 30)!;

        // Back much later, showing something else (the model's drifted view): the view since the change stays.
        Assert.Null(memory.Remember(Frame(random), At(5.02, 5, 2), 400));
        var into = new MemoryEntry?[2];
        Assert.Equal(1, memory.Recall(Painter, beforeStep: 500, into));
        Assert.Same(after, into[0]);
    }

    [Fact]
    public void OverLongPlayWithPaints_RecallNeverReturnsAnEarlierViewOfAChangedSpot_AndReplayRemembersTheSame()
    {
        (MemorySnapshot first, int forgotten, int recalled) = Play();
        (MemorySnapshot again, _, _) = Play();

        Assert.True(forgotten > 50, $"only {forgotten} views were forgotten");
        Assert.True(recalled > 1000, $"only {recalled} memories were recalled");
        Assert.Equal(first.LastWriteStep, again.LastWriteStep);
        Assert.Equal(first.Entries, again.Entries);
    }

    [Fact]
    public void Restore_AfterAChange_HoldsWhatTheSnapshotNames_ThoughTheStoreStillHasTheForgottenRows()
    {
        var memory = new WorldMemory(new MemoryPolicy(), JpegFrames);
        var random = new Random(3);
        var stored = new List<MemoryEntry>();
        long step = 0;
        foreach (Pose pose in Walk(seed: 3, steps: 600, side: 6))
        {
            stored.AddRange(memory.Remember(Frame(random), pose, ++step) is { } entry ? [entry] : []);
        }
        Assert.True(memory.WorldChanged(Painter, ++step) > 0);

        WorldMemory restored = WorldMemory.Restore(new MemoryPolicy(), JpegFrames, memory.Snapshot(), stored);

        Assert.Equal(memory.Entries.Select(e => e.Step), restored.Entries.Select(e => e.Step));
        Assert.Equal(memory.Bytes, restored.Bytes);
    }

    /// <summary>
    /// A walk in a 6×6 room with a paint every 100 steps; asserts at every step that no recalled memory is a view from
    /// before a change that could show its spot. Returns the memory at the end and what the changes forgot.
    /// </summary>
    private static (MemorySnapshot Snapshot, int Forgotten, int Recalled) Play()
    {
        var policy = new MemoryPolicy();
        var memory = new WorldMemory(policy, JpegFrames);
        var random = new Random(4);
        var changes = new List<(long Step, Pose At)>();
        var into = new MemoryEntry?[2];
        int forgotten = 0, recalled = 0;
        long step = 0;
        foreach (Pose pose in Walk(seed: 4, steps: 3000, side: 6))
        {
            if (++step % 100 == 0)
            {
                forgotten += memory.WorldChanged(pose, step);
                changes.Add((step, pose));
            }
            memory.Remember(Frame(random), pose, step);
            int count = memory.Recall(pose, step - 8, into);
            recalled += count;
            foreach (MemoryEntry? entry in into.AsSpan(0, count))
            {
                Assert.NotNull(entry);
                Assert.DoesNotContain(changes, c => entry.Step < c.Step && ChangeSight.CouldShow(entry.Pose, c.At, policy));
            }
        }
        return (memory.Snapshot(), forgotten, recalled);
    }

    private sealed class RecordingJournal : IMemoryJournal
    {
        public List<long> Evicted { get; } = [];

        public void Added(MemoryEntry entry) => Assert.Fail($"nothing is written here, yet {entry.Step} was");

        void IMemoryJournal.Evicted(MemoryEntry entry) => Evicted.Add(entry.Step);
    }
}
