using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Inference.Frames;
using WorldWeb.Inference.Noise;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Poses;
using WorldWeb.Inference.Runtime;
using WorldWeb.Inference.Stepping;
using WorldWeb.Memory;
using WorldWeb.Tests.Inference;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Memory;

/// <summary>
/// Token memory with the real packages (<see cref="DefaultModelTests.Packages"/>: CI's tiny model and models/default):
/// the model's own frames come back byte for byte, and the model cannot tell a memory stored as tokens from the frame
/// itself, because the server finds each patch's code as the graph does.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class TokenMemoryModelTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(DefaultModelTests.Packages), MemberType = typeof(DefaultModelTests))]
    public void FramesTheModelWrote_DecodeToExactlyTheirOwnBytes_InAFractionOfAJpeg(string folder)
    {
        if (Skipped(folder))
        {
            return;
        }
        using ModelPackage package = ModelPackage.Load(folder, new InferenceOptions(), NullLogger.Instance);
        using WorldModel model = package.CreateWorldModel();
        using StepBatch batch = model.CreateBatch(1);
        MemoryFrameCodec tokens = Frames(package, MemoryFrameFormat.Auto), jpeg = Frames(package, MemoryFrameFormat.Jpeg);
        var context = package.Start(0).ToArray().Chunk(package.Manifest.Frame.ValueCount).ToList();
        (long tokenBytes, long jpegBytes) = (0, 0);
        for (int step = 1; step <= 8; step++)
        {
            byte[] frame = Step(package, model, batch, context, step, memory: null);
            byte[] stored = tokens.Encode(frame);

            Assert.Equal(frame, tokens.Decode(stored));
            (tokenBytes, jpegBytes) = (tokenBytes + stored.Length, jpegBytes + jpeg.Encode(frame).Length);
            context = [.. context.Skip(1), frame];
        }

        output.WriteLine($"{package.Manifest.Name} {package.Manifest.Version}, {tokens.Description}: {tokenBytes / 8} B a frame; {jpeg.Description}: {jpegBytes / 8} B");
        Assert.Equal(MemoryFrameFormat.Tokens, tokens.Format);
        Assert.True(2 * tokenBytes < jpegBytes, $"tokens {tokenBytes} B, JPEG {jpegBytes} B");
    }

    [Theory]
    [MemberData(nameof(DefaultModelTests.Packages), MemberType = typeof(DefaultModelTests))]
    public void TheModel_StepsTheSameFrame_FromATrueFrameInMemoryAndFromItsTokens(string folder)
    {
        if (Skipped(folder))
        {
            return;
        }
        // The float32 graph, not Auto's int8 one: on a CPU without VNNI (AVX2's saturating u8·s8 products) int8 steps
        // other frames (a 2-core AVX2 machine: 75% of values within 8 levels of float32's).
        using ModelPackage package = ModelPackage.Load(folder, new InferenceOptions { Precision = Precision.Float }, NullLogger.Instance);
        using WorldModel model = package.CreateWorldModel();
        using StepBatch batch = model.CreateBatch(1);
        MemoryFrameCodec tokens = Frames(package, MemoryFrameFormat.Auto), jpeg = Frames(package, MemoryFrameFormat.Jpeg);
        int floats = package.Manifest.Frame.ValueCount;
        var context = package.Start(0).ToArray().Chunk(floats).ToList();
        // A real frame of another maze (a start state's), not made of codebook patches: tokens lose pixels of it.
        byte[] seen = package.Start(1 % package.StartCount)[..floats].ToArray();
        byte[] stored = tokens.Decode(tokens.Encode(seen));

        byte[] fromTrue = Step(package, model, batch, context, 1, seen);
        byte[] fromTokens = Step(package, model, batch, context, 1, stored);
        byte[] fromJpeg = Step(package, model, batch, context, 1, jpeg.Decode(jpeg.Encode(seen)));

        output.WriteLine($"{package.Manifest.Name}: the memory's pixels changed by tokens: {!seen.SequenceEqual(stored)}; " +
            $"the next frame changed by JPEG memory: {!fromTrue.SequenceEqual(fromJpeg)}");
        Assert.Equal(fromTrue, fromTokens);
    }

    private bool Skipped(string folder)
    {
        if (folder.Length == 0)
        {
            output.WriteLine($"SKIPPED: no models/default/world.json in the repository and {DefaultModelTests.ModelVariable} is not set.");
            return true;
        }
        return false;
    }

    private static MemoryFrameCodec Frames(ModelPackage package, MemoryFrameFormat format) =>
        MemoryFrameCodec.For(new MemoryPolicy { FrameFormat = format }, package.Manifest.Frame.Width, package.Manifest.Frame.Height,
            new TokenFrameCodec(package.Codebook!, package.Manifest.Frame.Width, package.Manifest.Frame.Height));

    /// <summary>One step forward from <paramref name="context"/>, with <paramref name="memory"/> (if any) in slot 0 where the player stands.</summary>
    private static byte[] Step(ModelPackage package, WorldModel model, StepBatch batch, IReadOnlyList<byte[]> context, long step, byte[]? memory)
    {
        batch.Clear();
        int row = batch.AddRow();
        batch.SetContext(row, context);
        batch.SetAction(row, 1);
        WorldNoise.Fill(7, step, batch.Noise(row));
        if (memory is not null && package.Manifest.MemorySlots > 0)
        {
            batch.SetMemory(row, 0, memory, new RelativePose(0, 0, 0));
        }
        model.Step(batch);
        byte[] frame = new byte[package.Manifest.Frame.ValueCount];
        FrameMath.ToRgb24(batch.Frame(row), frame);
        return frame;
    }
}
