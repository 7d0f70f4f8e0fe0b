using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Inference.Frames;
using WorldWeb.Inference.Noise;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Poses;
using WorldWeb.Inference.Runtime;
using WorldWeb.Inference.Stepping;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Inference;

/// <summary>
/// A package's int8 graph (training/int8.py) on the real packages: it steps, replays bit for bit, keeps rows
/// independent of their batch mates, and draws nearly the float32 graph's frames from real context and memories.
/// How its free play holds up is eval's to say (docs/model-card.md, "int8 on the CPU").
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class Int8PrecisionTests(ITestOutputHelper output)
{
    private const int Worlds = 8;

    // The default model's codebook patches (world.json "sampler"); for a package with others, 4×4 blocks.
    private const int Patch = 4;

    [Theory]
    [MemberData(nameof(DefaultModelTests.Packages), MemberType = typeof(DefaultModelTests))]
    public void Int8Graph_SameInputsTwiceAndAloneOrWithBatchMates_StepsBitIdenticalFrames(string folder)
    {
        if (!HasInt8(folder))
        {
            return;
        }
        using ModelPackage package = ModelPackage.Load(folder, new InferenceOptions { Precision = Precision.Int8 }, NullLogger.Instance);
        Assert.Equal(Precision.Int8, package.Precision);

        byte[][] first = Play(package, Worlds, steps: 4), second = Play(package, Worlds, steps: 4), alone = Play(package, 1, steps: 4);

        Assert.Equal(first, second);
        Assert.Equal(first[0], alone[0]);
    }

    [Theory]
    [MemberData(nameof(DefaultModelTests.Packages), MemberType = typeof(DefaultModelTests))]
    public void Int8Graph_OneStepFromRealContextAndMemories_DrawsNearlyTheFloatGraphsPatches(string folder)
    {
        if (!HasInt8(folder))
        {
            return;
        }
        if (!CpuFeatures.HasInt8DotProducts)
        {
            output.WriteLine("SKIPPED: this CPU has no int8 dot products (VNNI), where int8 is not meant to match float32; Auto runs float32 here");
            return;
        }
        using ModelPackage single = ModelPackage.Load(folder, new InferenceOptions { Precision = Precision.Float }, NullLogger.Instance);
        using ModelPackage int8 = ModelPackage.Load(folder, new InferenceOptions { Precision = Precision.Int8 }, NullLogger.Instance);

        byte[][] a = Play(single, Worlds, steps: 1), b = Play(int8, Worlds, steps: 1);

        int width = single.Manifest.Frame.Width;
        int patches = 0, same = 0;
        for (int world = 0; world < Worlds; world++)
        {
            for (int y = 0; y < single.Manifest.Frame.Height; y += Patch)
            {
                for (int x = 0; x < width; x += Patch)
                {
                    patches++;
                    same += SamePatch(a[world], b[world], x, y, width) ? 1 : 0;
                }
            }
        }
        output.WriteLine($"{folder}: {100.0 * same / patches:F1}% of {patches} patches drawn as the float32 graph draws them");
        Assert.True(same >= 0.9 * patches, $"only {100.0 * same / patches:F1}% of patches as the float32 graph draws them");
    }

    [Theory]
    [MemberData(nameof(DefaultModelTests.Packages), MemberType = typeof(DefaultModelTests))]
    public void Int8GraphTakingSnappedFrames_AStartAsItIsOrSnappedBeforehand_StepsTheSameFrame(string folder)
    {
        if (!HasInt8(folder) || ModelManifest.Load(Path.Combine(folder, ModelManifest.FileName)).Int8 is not { SnappedFrames: true })
        {
            output.WriteLine($"SKIPPED: no int8 graph that takes snapped frames ('{folder}')");
            return;
        }
        using ModelPackage package = ModelPackage.Load(folder, new InferenceOptions { Precision = Precision.Int8 }, NullLogger.Instance);
        using WorldModel model = package.CreateWorldModel();
        using StepBatch batch = model.CreateBatch(2);
        int frameBytes = package.Manifest.Frame.ValueCount;
        byte[] start = package.Start(0).ToArray();
        byte[] snapped = start.ToArray();
        var snapper = new FrameSnapper(package.Codebook!, package.Manifest.Frame.Width, package.Manifest.Frame.Height);
        for (int k = 0; k < package.Manifest.ContextFrames; k++)
        {
            snapper.Snap(start.AsSpan(k * frameBytes, frameBytes), snapped.AsSpan(k * frameBytes, frameBytes));
        }
        Assert.NotEqual(start, snapped);  // a start is a frame of the reference world, not of codebook patches

        foreach (byte[] context in new[] { start, snapped })
        {
            int row = batch.AddRow();
            batch.SetContext(row, context);
            batch.SetAction(row, 1);
            batch.SetMemory(row, 0, context.AsSpan(0, frameBytes), new RelativePose(0.1, 0, 0));
            WorldNoise.Fill(700, 0, batch.Noise(row));
        }
        model.Step(batch);

        // The server snaps what it writes into the step, so the graph never sees a patch it would have had to search.
        Assert.True(batch.Frame(0).SequenceEqual(batch.Frame(1)), "a start as it is stepped another frame than the same start snapped");
    }

    [Theory]
    [MemberData(nameof(DefaultModelTests.Packages), MemberType = typeof(DefaultModelTests))]
    public void AutoPrecision_OnCpu_RunsTheInt8GraphWhereThePackageHasOne(string folder)
    {
        if (folder.Length == 0)
        {
            return;
        }
        using ModelPackage package = ModelPackage.Load(folder, new InferenceOptions(), NullLogger.Instance);

        Assert.Equal(HasInt8(folder) && CpuFeatures.HasInt8DotProducts ? Precision.Int8 : Precision.Float, package.Precision);
    }

    private bool HasInt8(string folder)
    {
        if (folder.Length > 0 && ModelManifest.Load(Path.Combine(folder, ModelManifest.FileName)).Int8 is not null)
        {
            return true;
        }
        output.WriteLine($"SKIPPED: no package with an int8 graph ('{folder}')");
        return false;
    }

    private static bool SamePatch(byte[] a, byte[] b, int x, int y, int width)
    {
        for (int dy = 0; dy < Patch; dy++)
        {
            int start = ((y + dy) * width + x) * 3;
            if (!a.AsSpan(start, Patch * 3).SequenceEqual(b.AsSpan(start, Patch * 3)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// <paramref name="worlds"/> worlds from the package's starts, walking forward with both memory slots holding the
    /// start's last frame at nearby poses, each step's frame fed back as context; each world's last frame as 8-bit RGB.
    /// </summary>
    private static byte[][] Play(ModelPackage package, int worlds, int steps)
    {
        using WorldModel model = package.CreateWorldModel();
        using StepBatch batch = model.CreateBatch(worlds);
        int frameBytes = package.Manifest.Frame.ValueCount;
        var contexts = new List<byte[]>[worlds];
        for (int world = 0; world < worlds; world++)
        {
            int row = batch.AddRow();
            ReadOnlySpan<byte> start = package.Start(world % package.StartCount);
            contexts[world] = [.. start.ToArray().Chunk(frameBytes)];
            batch.SetContext(row, start);
            batch.SetAction(row, 1);
            for (int slot = 0; slot < package.Manifest.MemorySlots; slot++)
            {
                batch.SetMemory(row, slot, start[^frameBytes..], new RelativePose(0.1 * slot, 0, 0));
            }
        }
        var frames = new byte[worlds][];
        for (int step = 0; step < steps; step++)
        {
            for (int row = 0; row < worlds; row++)
            {
                WorldNoise.Fill((ulong)(700 + row), step, batch.Noise(row));
            }
            model.Step(batch);
            for (int row = 0; row < worlds; row++)
            {
                frames[row] = new byte[frameBytes];
                FrameMath.ToRgb24(batch.Frame(row), frames[row]);
                contexts[row].RemoveAt(0);
                contexts[row].Add(frames[row]);
                batch.SetContext(row, contexts[row]);
            }
        }
        return frames;
    }
}
