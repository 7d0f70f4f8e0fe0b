using System.IO.Compression;
using WorldWeb.Inference.Poses;
using WorldWeb.Memory;
using WorldWeb.ReferenceWorld;
using WorldWeb.Server.Coherence;
using WorldWeb.Server.Worlds;
using WorldWeb.Tests.Memory;

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
            [Frame(), Frame(), Frame()], new MemorySnapshot(99, [new MemorySnapshot.Held(17, 3), new MemorySnapshot.Held(99, 0)],
                [new StoodPlaces.Place(1.25f, -3.5f), new StoodPlaces.Place(1.35f, -3.5f)]));

        WorldState back = SaveCodec.Decode(SaveCodec.Encode(state));

        Assert.Equal((state.Step, state.Pose), (back.Step, back.Pose));
        Assert.Equal(state.Context, back.Context);
        Assert.Equal(state.Memory.LastWriteStep, back.Memory.LastWriteStep);
        Assert.Equal(state.Memory.Entries, back.Memory.Entries);
        Assert.Equal(state.Memory.StoodPlaces, back.Memory.StoodPlaces);
    }

    [Fact]
    public void SaveOfTheFormatBeforePlacesStoodOn_StillLoads_WithNone()
    {
        byte[] frame = World.Create(1005).Render();
        var state = new WorldState(30, new Pose(0.5, 1.5, 0.25), [frame], new MemorySnapshot(27, [new MemorySnapshot.Held(27, 2)]));
        byte[] raw = Inflate(SaveCodec.Encode(state));
        BitConverter.GetBytes(0x34535757u).CopyTo(raw, 0);  // "WWS4", which ended after the coherence state

        WorldState back = SaveCodec.Decode(Deflate(raw[..^sizeof(int)]));

        Assert.Equal((30L, new Pose(0.5, 1.5, 0.25), 27L), (back.Step, back.Pose, back.Memory.LastWriteStep));
        Assert.Equal([new MemorySnapshot.Held(27, 2)], back.Memory.Entries);
        Assert.Empty(back.Memory.StoodPlaces);
    }

    [Theory]
    [InlineData(int.MaxValue, 1f, "places stood on")]
    [InlineData(1, float.NaN, "not finite")]
    public void Decode_CraftedPlacesStoodOn_ThrowInvalidData(int count, float x, string what)
    {
        var state = new WorldState(30, new Pose(0, 0, 0), [new byte[192]], new MemorySnapshot(0, [], [new StoodPlaces.Place(1f, 2f)]));
        byte[] raw = Inflate(SaveCodec.Encode(state));
        BitConverter.GetBytes(count).CopyTo(raw, raw.Length - 12);
        BitConverter.GetBytes(x).CopyTo(raw, raw.Length - 8);

        Assert.Contains(what, Assert.Throws<InvalidDataException>(() => SaveCodec.Decode(Deflate(raw))).Message, StringComparison.Ordinal);
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
    public void FramesTheModelWrote_AreSavedAsItsTokens_AndComeBackExactly_WhileRealFramesStayRaw()
    {
        var codebook = TokenFrameCodecTests.RandomCodebook(512, seed: 9);
        var tokens = new TokenFrameCodec(codebook, 64, 64);
        var random = new Random(6);
        byte[] Painted() => TokenFrameCodecTests.Painted(codebook, _ => random.Next(512));
        byte[] real = World.Create(1004).Render();  // a start state's frame: no frame of codebook patches
        var coherence = new CoherenceState(1, 20, 20, 0, new CoherenceGuard.GuardState(true, 0, 10, 30), new Pose(0, 0, 0), [real, Painted()]);
        var state = new WorldState(50, new Pose(1, 2, 3), [real, Painted(), Painted(), Painted()], MemorySnapshot.Empty, coherence);

        byte[] saved = SaveCodec.Encode(state, tokens);
        WorldState back = SaveCodec.Decode(saved, tokens);

        Assert.Equal(state.Context, back.Context);
        Assert.Equal(coherence.CheckpointContext, back.Coherence!.CheckpointContext);
        Assert.True(2 * saved.Length < SaveCodec.Encode(state).Length, $"{saved.Length} B with tokens, {SaveCodec.Encode(state).Length} B raw");
        Assert.Throws<InvalidDataException>(() => SaveCodec.Decode(saved));
    }

    [Fact]
    public void SaveOfTheFormatBeforeTokens_StillLoads()
    {
        byte[] frame = World.Create(1005).Render();

        WorldState back = SaveCodec.Decode(Wws3Save(30L, 0.5, frame.Length, 1, frame, 1));

        Assert.Equal((30L, new Pose(0.5, 1.5, 0.25), 27L), (back.Step, back.Pose, back.Memory.LastWriteStep));
        Assert.Equal(frame, Assert.Single(back.Context));
        Assert.Equal([new MemorySnapshot.Held(27, 2)], back.Memory.Entries);
        Assert.Null(back.Coherence);
    }

    /// <summary>A save row is written by another node, or by whoever can write the table: its sizes are checked before anything is allocated.</summary>
    [Theory]
    [InlineData("step", -1L, 0.5, 192, 1, 0)]
    [InlineData("pose", 30L, double.NaN, 192, 1, 0)]
    [InlineData("frame size", 30L, 0.5, -1, 1, 0)]
    [InlineData("frame size", 30L, 0.5, int.MaxValue, 1, 0)]
    [InlineData("context frames", 30L, 0.5, 192, 1_000_000_000, 0)]
    [InlineData("context frames", 30L, 0.5, 192, 0, 0)]  // hardening-check crafted_save: no frame at all was a 500
    [InlineData("memory entries", 30L, 0.5, 192, 1, int.MaxValue)]
    public void Decode_ACraftedSave_ThrowsInvalidData_NamingWhatItClaims(string what, long step, double x, int frameBytes, int frames, int entries)
    {
        var ex = Assert.Throws<InvalidDataException>(() => SaveCodec.Decode(Wws3Save(step, x, frameBytes, frames, new byte[192], entries)));

        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The largest save the format allows (64 frames of 3 MB) fits in a few hundred bytes of Brotli: read for a model, its
    /// header is held against what the model takes before a frame is inflated (this one would have been 192 MB).
    /// </summary>
    [Fact]
    public void Decode_ForAModel_RefusesFramesItCannotTake_FromTheHeader()
    {
        byte[] bomb = Wws3Save(30L, 0.5, SaveCodec.MaxFrameBytes, SaveCodec.MaxFrames, new byte[SaveCodec.MaxFrameBytes * 2], 1);
        Assert.True(bomb.Length < 65_536, $"{bomb.Length} bytes");

        var ex = Assert.Throws<InvalidDataException>(() => SaveCodec.Decode(bomb, tokens: null, shape: (192, 4, "tiny")));

        Assert.Equal($"it holds {SaveCodec.MaxFrames} frames of {SaveCodec.MaxFrameBytes} bytes, but the model 'tiny' now loaded takes 4 of 192: it was made by another model of that name", ex.Message);
    }

    [Fact]
    public void Decode_Garbage_ThrowsInvalidData()
    {
        Assert.ThrowsAny<InvalidDataException>(() => SaveCodec.Decode([1, 2, 3, 4, 5]));
        // Bytes Brotli cannot read at all: its decoder throws InvalidOperationException, which was a 500 on resume and thumbnail.
        Assert.Equal("not a WorldWeb save (its compression is damaged)", Assert.Throws<InvalidDataException>(() => SaveCodec.Decode("not a save"u8.ToArray())).Message);
    }

    /// <summary>
    /// A save of the format before tokens (<c>WWS3</c>: raw frames, no flags), as given: its step, pose x, the frame size and
    /// count it claims, one frame's bytes, and the memory entries it claims (one written, at step 27 with 2 hits).
    /// </summary>
    private static byte[] Wws3Save(long step, double x, int frameBytes, int frames, byte[] frame, int entries)
    {
        using var raw = new MemoryStream();
        using (var writer = new BinaryWriter(raw, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(0x33535757u);  // "WWS3"
            writer.Write(step);
            writer.Write(x);
            writer.Write(1.5);
            writer.Write(0.25);
            writer.Write(frameBytes);
            writer.Write(frames);
            writer.Write(frame);
            writer.Write(27L);
            writer.Write(entries);
            writer.Write(27L);
            writer.Write(2);
            writer.Write(false);
        }
        return Deflate(raw.ToArray());
    }

    private static byte[] Deflate(byte[] raw)
    {
        using var compressed = new MemoryStream();
        using (var brotli = new BrotliStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            brotli.Write(raw);
        }
        return compressed.ToArray();
    }

    private static byte[] Inflate(byte[] save)
    {
        using var raw = new MemoryStream();
        using (var brotli = new BrotliStream(new MemoryStream(save), CompressionMode.Decompress))
        {
            brotli.CopyTo(raw);
        }
        return raw.ToArray();
    }
}
