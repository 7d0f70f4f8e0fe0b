namespace WorldWeb.Inference.Noise;

/// <summary>
/// The noise input of step <c>s</c> of a world with seed <c>S</c> (docs/model-format.md): xoshiro256** seeded by
/// SplitMix64 over <c>S * 0x9E3779B97F4A7C15 ^ s</c>, turned into standard normals by Box–Muller in float64 and
/// rounded to float32, written in order, so a world's frames depend on nothing but its seed, its action log and
/// its memory. Integer steps are exact everywhere; log, sin and cos come from the platform's math library, whose
/// last-ulp differences in float64 practically never survive the rounding to float32.
/// </summary>
public static class WorldNoise
{
    private const ulong GoldenGamma = 0x9E3779B97F4A7C15;

    /// <summary>Fills <paramref name="destination"/> (row-major <c>[3, H, W]</c>) with the noise of one step.</summary>
    public static void Fill(ulong worldSeed, long step, Span<float> destination)
    {
        var random = Xoshiro256StarStar.FromSplitMix64(unchecked(worldSeed * GoldenGamma) ^ (ulong)step);
        int i = 0;
        while (i < destination.Length)
        {
            // Box–Muller: one pair of uniforms gives the pair (r cos φ, r sin φ); an odd tail drops the sine.
            // u1 is in (0, 1] so the logarithm is finite; u2 is in [0, 1).
            double u1 = ((random.Next() >> 11) + 1) * (1.0 / (1UL << 53));
            double u2 = (random.Next() >> 11) * (1.0 / (1UL << 53));
            double radius = Math.Sqrt(-2.0 * Math.Log(u1));
            double angle = 2.0 * Math.PI * u2;
            destination[i++] = (float)(radius * Math.Cos(angle));
            if (i < destination.Length)
            {
                destination[i++] = (float)(radius * Math.Sin(angle));
            }
        }
    }
}
