namespace WorldWeb.Tools.Eval;

/// <summary>Image similarity of two RGB24 frames: PSNR (dB, capped at 60) and SSIM (Gaussian 11x11, sigma 1.5).</summary>
public static class FrameQuality
{
    public const double MaxPsnr = 60;

    public static double Psnr(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"Frames differ in size: {a.Length} vs {b.Length} bytes.");
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            double d = a[i] - b[i];
            sum += d * d;
        }
        var mse = sum / a.Length;
        return mse == 0 ? MaxPsnr : Math.Min(MaxPsnr, 10 * Math.Log10(255.0 * 255.0 / mse));
    }

    public static double Ssim(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int width, int height)
    {
        const int radius = 5;
        const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
        Span<double> kernel = stackalloc double[2 * radius + 1];
        for (var i = -radius; i <= radius; i++) kernel[i + radius] = Math.Exp(-i * i / (2 * 1.5 * 1.5));
        var norm = 0.0;
        foreach (var k in kernel) norm += k;
        double total = 0;
        var windows = 0;
        for (var channel = 0; channel < 3; channel++)
            for (var y = radius; y < height - radius; y++)
                for (var x = radius; x < width - radius; x++)
                {
                    double ma = 0, mb = 0, aa = 0, bb = 0, ab = 0;
                    for (var dy = -radius; dy <= radius; dy++)
                        for (var dx = -radius; dx <= radius; dx++)
                        {
                            var w = kernel[dy + radius] * kernel[dx + radius] / (norm * norm);
                            var index = ((y + dy) * width + x + dx) * 3 + channel;
                            double va = a[index] / 255.0, vb = b[index] / 255.0;
                            ma += w * va; mb += w * vb; aa += w * va * va; bb += w * vb * vb; ab += w * va * vb;
                        }
                    double varA = aa - ma * ma, varB = bb - mb * mb, cov = ab - ma * mb;
                    total += (2 * ma * mb + c1) * (2 * cov + c2) / ((ma * ma + mb * mb + c1) * (varA + varB + c2));
                    windows++;
                }
        return total / windows;
    }
}
