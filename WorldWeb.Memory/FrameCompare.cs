namespace WorldWeb.Memory;

/// <summary>Pixel comparisons of RGB24 frames, without allocating.</summary>
public static class FrameCompare
{
    public static double MeanAbsoluteDifference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        long sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }
        return (double)sum / a.Length;
    }

    /// <summary>PSNR in dB over 8-bit values; 100 for identical frames.</summary>
    public static double Psnr(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        long sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            int d = a[i] - b[i];
            sum += d * d;
        }
        double mse = (double)sum / a.Length;
        return mse == 0 ? 100 : 10 * Math.Log10(255.0 * 255.0 / mse);
    }
}
