namespace WorldWeb.Tools.Eval;

/// <summary>
/// How colourful frames are, with no reference for the frame and no pretrained network. A pixel is colourful when
/// its channels spread by more than <see cref="ColourfulSpread"/> levels (max − min of R, G, B, 0–255): greyed or
/// washed-out frames have fewer. The colour histogram has <see cref="LevelsPerChannel"/> levels per channel (the top
/// two bits: 0–63, 64–127, 128–191, 192–255), so <see cref="Bins"/> = 64 bins, bin = 16·(R≫6) + 4·(G≫6) + (B≫6);
/// two sets of frames are compared by the total variation distance of their pooled, normalised histograms,
/// ½·Σ|p − q|: 0 for the same colours in the same shares, 1 for no colour in common.
/// </summary>
public static class ColourMeasures
{
    public const int ColourfulSpread = 60;
    public const int LevelsPerChannel = 4;
    public const int Bins = LevelsPerChannel * LevelsPerChannel * LevelsPerChannel;

    public static int Bin(byte r, byte g, byte b) => (r >> 6) * 16 + (g >> 6) * 4 + (b >> 6);

    public static bool IsColourful(byte r, byte g, byte b) =>
        Math.Max(r, Math.Max(g, b)) - Math.Min(r, Math.Min(g, b)) > ColourfulSpread;

    /// <summary>Total variation distance of two histograms of any totals: ½·Σ|a/Σa − b/Σb|.</summary>
    public static double TotalVariation(ReadOnlySpan<long> a, ReadOnlySpan<long> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"Histograms differ in bins: {a.Length} vs {b.Length}.");
        double totalA = 0, totalB = 0;
        foreach (var v in a) totalA += v;
        foreach (var v in b) totalB += v;
        if (totalA == 0 || totalB == 0) throw new ArgumentException("A histogram is empty.");
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++) sum += Math.Abs(a[i] / totalA - b[i] / totalB);
        return sum / 2;
    }
}
