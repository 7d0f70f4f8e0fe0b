namespace WorldWeb.Inference.Frames;

/// <summary>Conversions between the model's float frames (CHW, [0, 1]) and 8-bit RGB pixels (HWC).</summary>
public static class FrameMath
{
    /// <summary>
    /// Float CHW <c>[3, H, W]</c> in [0, 1] to interleaved RGB24 bytes <c>[H, W, 3]</c>: clamped to [0, 1]
    /// (NaN to 0), scaled by 255 and rounded half up.
    /// </summary>
    public static void ToRgb24(ReadOnlySpan<float> frame, Span<byte> rgb)
    {
        int pixels = PixelCount(frame.Length, rgb.Length);
        ReadOnlySpan<float> r = frame[..pixels], g = frame.Slice(pixels, pixels), b = frame.Slice(2 * pixels, pixels);
        for (int p = 0; p < pixels; p++)
        {
            rgb[3 * p] = ToByte(r[p]);
            rgb[3 * p + 1] = ToByte(g[p]);
            rgb[3 * p + 2] = ToByte(b[p]);
        }
    }

    /// <summary>Interleaved RGB24 bytes <c>[H, W, 3]</c> to float CHW <c>[3, H, W]</c>, each value v / 255.</summary>
    public static void FromRgb24(ReadOnlySpan<byte> rgb, Span<float> frame)
    {
        int pixels = PixelCount(frame.Length, rgb.Length);
        Span<float> r = frame[..pixels], g = frame.Slice(pixels, pixels), b = frame.Slice(2 * pixels, pixels);
        for (int p = 0; p < pixels; p++)
        {
            // Division, not multiplication by 1/255, so 255 maps to exactly 1 and values match numpy's x / 255.
            r[p] = rgb[3 * p] / 255f;
            g[p] = rgb[3 * p + 1] / 255f;
            b[p] = rgb[3 * p + 2] / 255f;
        }
    }

    private static byte ToByte(float value)
    {
        // The comparisons are false for NaN, which therefore becomes 0.
        float clamped = value > 0f ? (value < 1f ? value : 1f) : 0f;
        return (byte)(clamped * 255f + 0.5f);
    }

    private static int PixelCount(int floats, int bytes)
    {
        if (floats % 3 != 0 || floats != bytes)
        {
            throw new ArgumentException($"a 3-channel frame of {floats} floats needs as many RGB bytes, not {bytes}");
        }
        return floats / 3;
    }
}
