using System.Text.Json;
using WorldWeb.Inference.Noise;

namespace WorldWeb.Tests.Inference;

[Trait(Category.Name, Category.Unit)]
public sealed class WorldNoiseTests
{
    private const int FrameFloats = 3 * 64 * 64;

    [Fact]
    public void Fill_SameSeedAndStep_GivesIdenticalValues()
    {
        float[] first = Noise(7, 100), second = Noise(7, 100);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Fill_DifferentStepOrSeed_GivesDifferentValues()
    {
        float[] reference = Noise(7, 100);

        Assert.NotEqual(reference, Noise(7, 101));
        Assert.NotEqual(reference, Noise(8, 100));
    }

    [Fact]
    public void Fill_ShorterDestination_IsAPrefixOfTheLongerOne()
    {
        float[] full = Noise(3, 5);
        var prefix = new float[11];

        WorldNoise.Fill(3, 5, prefix);

        Assert.Equal(full[..11], prefix);
    }

    [Fact]
    public void Fill_ManySamples_AreStandardNormal()
    {
        double sum = 0, sumOfSquares = 0;
        int count = 0, beyondTwoSigma = 0;
        for (long step = 0; step < 40; step++)
        {
            foreach (float v in Noise(12345, step))
            {
                sum += v;
                sumOfSquares += (double)v * v;
                count++;
                beyondTwoSigma += Math.Abs(v) > 2 ? 1 : 0;
            }
        }
        double mean = sum / count, std = Math.Sqrt(sumOfSquares / count - mean * mean);

        // 491,520 samples: the standard error of the mean is 0.0014, of the std about 0.001.
        Assert.InRange(mean, -0.006, 0.006);
        Assert.InRange(std, 0.995, 1.005);
        Assert.InRange(beyondTwoSigma / (double)count, 0.0435, 0.0475); // 4.55 % for a normal
    }

    [Fact]
    public void Fill_MatchesTheIndependentPythonTranscriptionOfTheDoc()
    {
        // noise_reference.json is written by make_fixture_models.py from its own reading of docs/model-format.md.
        using JsonDocument reference = JsonDocument.Parse(File.ReadAllText(Fixtures.File("noise_reference.json")));
        foreach (JsonElement testCase in reference.RootElement.EnumerateArray())
        {
            ulong seed = ulong.Parse(testCase.GetProperty("seed").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            long step = testCase.GetProperty("step").GetInt64();
            uint[] expected = testCase.GetProperty("bits").EnumerateArray().Select(b => b.GetUInt32()).ToArray();
            var actual = new float[expected.Length];

            WorldNoise.Fill(seed, step, actual);

            Assert.Equal(expected, actual.Select(BitConverter.SingleToUInt32Bits));
        }
    }

    private static float[] Noise(ulong seed, long step)
    {
        var values = new float[FrameFloats];
        WorldNoise.Fill(seed, step, values);
        return values;
    }
}
