using SkiaSharp;

namespace WorldWeb.Memory;

/// <summary>SkiaSharp encodes RGBA only: the one RGB24 → RGBA → image path for streamed and stored frames.</summary>
public static class Rgb24Images
{
    /// <param name="rgb">Interleaved RGB24, <c>[height, width, 3]</c>.</param>
    /// <param name="encode">The codec call on the RGBA pixmap; null from it means SkiaSharp could not encode.</param>
    public static byte[] Encode(ReadOnlySpan<byte> rgb, int width, int height, Func<SKPixmap, SKData?> encode)
    {
        if (rgb.Length != width * height * 3)
        {
            throw new ArgumentException($"a {width}×{height} RGB24 frame has {width * height * 3} bytes, not {rgb.Length}", nameof(rgb));
        }
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        byte[] rgba = new byte[width * height * 4];
        for (int p = 0, q = 0; p < rgb.Length; p += 3, q += 4)
        {
            rgba[q] = rgb[p];
            rgba[q + 1] = rgb[p + 1];
            rgba[q + 2] = rgb[p + 2];
            rgba[q + 3] = 255;
        }
        unsafe
        {
            fixed (byte* pixels = rgba)
            {
                using var pixmap = new SKPixmap(info, (nint)pixels, width * 4);
                using SKData data = encode(pixmap) ?? throw new InvalidOperationException("SkiaSharp could not encode the frame");
                return data.ToArray();
            }
        }
    }
}
