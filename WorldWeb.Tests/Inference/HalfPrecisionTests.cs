using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Inference.Frames;
using WorldWeb.Inference.Noise;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;
using WorldWeb.Inference.Stepping;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Inference;

/// <summary>
/// A package's half-precision graph (training/half.py) computes the model its float32 graph does, run here on CPU.
/// How its free play holds up is eval's to say (docs/gpu.md, "Half precision").
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class HalfPrecisionTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(DefaultModelTests.Packages), MemberType = typeof(DefaultModelTests))]
    public void HalfGraph_StepsFramesCloseToTheFloatGraphs(string folder)
    {
        if (folder.Length == 0 || ModelManifest.Load(Path.Combine(folder, ModelManifest.FileName)).Half is null)
        {
            output.WriteLine($"SKIPPED: no package with a half-precision graph ('{folder}')");
            return;
        }
        // The float32 graph, not Auto's int8 one: on a CPU without VNNI (AVX2's saturating u8·s8 products) int8 steps
        // other frames (a 2-core AVX2 machine: 75% of values within 8 levels of float32's).
        using ModelPackage single = ModelPackage.Load(folder, new InferenceOptions { Precision = Precision.Float }, NullLogger.Instance);
        using ModelPackage half = ModelPackage.Load(folder, new InferenceOptions { Precision = Precision.Half }, NullLogger.Instance);
        Assert.Equal(Precision.Half, half.Precision);

        byte[][] a = Frames(single), b = Frames(half);

        int pixels = 0, close = 0, same = 0;
        for (int world = 0; world < a.Length; world++)
        {
            for (int i = 0; i < a[world].Length; i++)
            {
                int difference = Math.Abs(a[world][i] - b[world][i]);
                pixels++;
                close += difference <= 8 ? 1 : 0;
                same += difference == 0 ? 1 : 0;
            }
        }
        output.WriteLine($"{folder}: {100.0 * same / pixels:F1}% of values identical, {100.0 * close / pixels:F1}% within 8 levels");
        Assert.True(close >= 0.9 * pixels, $"only {100.0 * close / pixels:F1}% of values within 8 levels of the float32 graph's");
    }

    /// <summary>One step of 8 worlds from the package's starts, walking forward; each world's frame as 8-bit RGB.</summary>
    private static byte[][] Frames(ModelPackage package)
    {
        using WorldModel model = package.CreateWorldModel();
        using StepBatch batch = model.CreateBatch(8);
        for (int world = 0; world < 8; world++)
        {
            int row = batch.AddRow();
            batch.SetContext(row, package.Start(world % package.StartCount));
            batch.SetAction(row, 1);
            WorldNoise.Fill((ulong)(500 + world), 0, batch.Noise(row));
        }
        model.Step(batch);
        return [.. Enumerable.Range(0, 8).Select(row =>
        {
            var rgb = new byte[batch.Frame(row).Length];
            FrameMath.ToRgb24(batch.Frame(row), rgb);
            return rgb;
        })];
    }
}
