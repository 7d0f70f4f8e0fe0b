using WorldWeb.Inference.Poses;
using WorldWeb.Memory;
using WorldWeb.Server.Coherence;
using WorldWeb.Server.Saves;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Tests.Server;

[Trait(Category.Name, Category.Unit)]
public sealed class SaveCodecTests
{
    [Fact]
    public void EncodeThenDecode_GivesTheSameStateBackExactly()
    {
        var random = new Random(4);
        byte[] Frame() { var f = new byte[8 * 8 * 3]; random.NextBytes(f); return f; }
        var state = new WorldState(1234, new Pose(1.25, -3.5, 0.1 + Math.PI / 7),
            [Frame(), Frame(), Frame()], new MemorySnapshot(99, [new MemorySnapshot.Held(17, 3), new MemorySnapshot.Held(99, 0)]));

        WorldState back = SaveCodec.Decode(SaveCodec.Encode(state));

        Assert.Equal((state.Step, state.Pose), (back.Step, back.Pose));
        Assert.Equal(state.Context, back.Context);
        Assert.Equal(state.Memory.LastWriteStep, back.Memory.LastWriteStep);
        Assert.Equal(state.Memory.Entries, back.Memory.Entries);
    }

    [Fact]
    public void EncodeThenDecode_KeepsTheCoherenceState()
    {
        var random = new Random(5);
        byte[] Frame() { var f = new byte[8 * 8 * 3]; random.NextBytes(f); return f; }
        var coherence = new CoherenceState(7, 150.25, null, 2, new CoherenceGuard.GuardState(true, 1, 40, 31.5),
            new Pose(0.5, 2, -1), [Frame(), Frame()]);
        var state = new WorldState(40, new Pose(1, 2, 3), [Frame(), Frame()], MemorySnapshot.Empty, coherence);

        CoherenceState back = SaveCodec.Decode(SaveCodec.Encode(state)).Coherence!;

        Assert.Equal((coherence.Revisits, coherence.RevisitPsnrSum, coherence.LastRevisitPsnr, coherence.Rollbacks),
            (back.Revisits, back.RevisitPsnrSum, back.LastRevisitPsnr, back.Rollbacks));
        Assert.Equal((coherence.Guard, coherence.CheckpointPose), (back.Guard, back.CheckpointPose));
        Assert.Equal(coherence.CheckpointContext, back.CheckpointContext);
        Assert.Null(SaveCodec.Decode(SaveCodec.Encode(state with { Coherence = null })).Coherence);
    }

    [Fact]
    public void Decode_Garbage_ThrowsInvalidData()
    {
        Assert.ThrowsAny<InvalidDataException>(() => SaveCodec.Decode([1, 2, 3, 4, 5]));
    }
}
