using WorldWeb.Inference.Frames;

namespace WorldWeb.Tests.Inference;

[Trait(Category.Name, Category.Unit)]
public sealed class FrameMathTests
{
    [Fact]
    public void ToRgb24_InterleavesChannelsRoundsAndClamps()
    {
        // Two pixels; planes R, G, B.
        float[] frame = [0f, 1f, /* G */ 0.5f, 2f, /* B */ -1f, float.NaN];
        var rgb = new byte[6];

        FrameMath.ToRgb24(frame, rgb);

        Assert.Equal(new byte[] { 0, 128, 0, 255, 255, 0 }, rgb);
    }

    [Fact]
    public void ToRgb24_OfAWholeFrame_GivesWhatEachValueGivesAlone()
    {
        // A 64×64 frame runs the vectorized path; the values around every rounding edge, the clamps, NaN, infinities
        // and -0 must come out as the one-value definition has them (which the small frames above run).
        var edges = new List<float> { float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 0f, 1f, -1f, 2f, float.Epsilon };
        for (int k = 0; k <= 255; k++)
        {
            float edge = (k + 0.5f) / 255;
            edges.AddRange([edge, MathF.BitDecrement(edge), MathF.BitIncrement(edge), k / 255f]);
        }
        var random = new Random(5);
        float[] frame = [.. Enumerable.Range(0, 3 * 64 * 64).Select(i => i < edges.Count ? edges[i] : (float)(random.NextDouble() * 1.2 - 0.1))];
        var rgb = new byte[frame.Length];

        FrameMath.ToRgb24(frame, rgb);

        int pixels = 64 * 64;
        byte[] alone = [.. Enumerable.Range(0, frame.Length).Select(i =>
        {
            var one = new byte[3];
            FrameMath.ToRgb24([frame[(i % 3) * pixels + i / 3], 0f, 0f], one);
            return one[0];
        })];
        Assert.Equal(alone, rgb);
    }

    [Fact]
    public void ToRgb24_RoundsToNearest()
    {
        float[] frame = [100.4f / 255, 100.6f / 255, 0f];
        var rgb = new byte[3];

        FrameMath.ToRgb24(frame, rgb);

        Assert.Equal(new byte[] { 100, 101, 0 }, rgb);
    }

    [Fact]
    public void FromRgb24ThenToRgb24_ReturnsEveryByte()
    {
        byte[] rgb = Enumerable.Range(0, 256 * 3).Select(i => (byte)(i * 7919 % 256)).ToArray();
        var frame = new float[rgb.Length];
        var back = new byte[rgb.Length];

        FrameMath.FromRgb24(rgb, frame);
        FrameMath.ToRgb24(frame, back);

        Assert.Equal(rgb, back);
        Assert.Equal(rgb[0] / 255f, frame[0]);
        Assert.Equal(rgb[1] / 255f, frame[256]);
    }

    [Fact]
    public void ToRgb24_MismatchedLengths_Throws()
    {
        Assert.Throws<ArgumentException>(() => FrameMath.ToRgb24(new float[6], new byte[5]));
    }
}
