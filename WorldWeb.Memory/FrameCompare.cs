namespace WorldWeb.Memory;

/// <summary>Pixel comparisons of RGB24 frames, without allocating.</summary>
public static class FrameCompare
{
    /// <summary>Cells per side of a <see cref="Thumbnail"/>.</summary>
    public const int ThumbnailSide = 8;

    /// <summary>
    /// The mean colour of each of 8×8 cells of an RGB24 frame, into <paramref name="thumbnail"/> (192 values). Sampling
    /// noise and compression artefacts average out; what the frame shows stays.
    /// </summary>
    public static void Thumbnail(ReadOnlySpan<byte> rgb, int width, int height, Span<float> thumbnail)
    {
        thumbnail.Clear();
        Span<int> counts = stackalloc int[ThumbnailSide * ThumbnailSide];
        for (int y = 0; y < height; y++)
        {
            int cy = y * ThumbnailSide / height;
            for (int x = 0; x < width; x++)
            {
                int cell = cy * ThumbnailSide + x * ThumbnailSide / width, p = 3 * (y * width + x);
                thumbnail[3 * cell] += rgb[p];
                thumbnail[3 * cell + 1] += rgb[p + 1];
                thumbnail[3 * cell + 2] += rgb[p + 2];
                counts[cell]++;
            }
        }
        for (int cell = 0; cell < counts.Length; cell++)
        {
            float n = Math.Max(1, counts[cell]);
            thumbnail[3 * cell] /= n;
            thumbnail[3 * cell + 1] /= n;
            thumbnail[3 * cell + 2] /= n;
        }
    }

    public static double MeanAbsoluteDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }
        return sum / a.Length;
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
