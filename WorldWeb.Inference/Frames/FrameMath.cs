using System.Numerics;

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
        // Every value quantized in one vectorized pass, then interleaved: a server does this per world per tick (and a
        // context pool once more), and the scalar loop alone took about 40 µs for a 64×64 frame.
        Span<byte> planes = frame.Length <= 3 * 128 * 128 ? stackalloc byte[frame.Length] : new byte[frame.Length];
        Quantize(frame, planes);
        ReadOnlySpan<byte> r = planes[..pixels], g = planes.Slice(pixels, pixels), b = planes.Slice(2 * pixels, pixels);
        for (int p = 0; p < pixels; p++)
        {
            rgb[3 * p] = r[p];
            rgb[3 * p + 1] = g[p];
            rgb[3 * p + 2] = b[p];
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

    /// <summary>Each value as <see cref="ToByte"/> has it, a vector of values at a time where the hardware allows.</summary>
    private static void Quantize(ReadOnlySpan<float> values, Span<byte> bytes)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int n = Vector<float>.Count;
            for (; i <= values.Length - 4 * n; i += 4 * n)
            {
                Vector<ushort> low = Vector.Narrow(ToInts(values.Slice(i, n)), ToInts(values.Slice(i + n, n)));
                Vector<ushort> high = Vector.Narrow(ToInts(values.Slice(i + 2 * n, n)), ToInts(values.Slice(i + 3 * n, n)));
                Vector.Narrow(low, high).CopyTo(bytes[i..]);
            }
        }
        for (; i < values.Length; i++)
        {
            bytes[i] = ToByte(values[i]);
        }
    }

    // ToByte's arithmetic: NaN to 0, clamped to [0, 1], × 255 + 0.5 (two roundings, as the scalar code), truncated.
    private static Vector<uint> ToInts(ReadOnlySpan<float> values)
    {
        var x = new Vector<float>(values);
        x = Vector.ConditionalSelect(Vector.Equals(x, x), x, Vector<float>.Zero);
        x = Vector.Min(Vector.Max(x, Vector<float>.Zero), Vector<float>.One);
        return Vector.AsVectorUInt32(Vector.ConvertToInt32(x * new Vector<float>(255f) + new Vector<float>(0.5f)));
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
