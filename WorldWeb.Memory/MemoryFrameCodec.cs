using SkiaSharp;

namespace WorldWeb.Memory;

/// <summary>
/// Stored memory frames are JPEG (4:2:0): about a tenth of raw RGB24. Decoding is deterministic, and the model is
/// always fed the decoded frame, so a world and its reloaded self see the same memory.
/// </summary>
public static class MemoryFrameCodec
{
    public static byte[] Encode(ReadOnlySpan<byte> rgb, int width, int height, int quality) =>
        Rgb24Images.Encode(rgb, width, height,
            pixmap => pixmap.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)));

    /// <exception cref="InvalidDataException">The bytes are not a frame of this size.</exception>
    public static byte[] Decode(byte[] encoded, int width, int height)
    {
        using SKBitmap? bitmap = SKBitmap.Decode(encoded, new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        if (bitmap is null || bitmap.Width != width || bitmap.Height != height)
        {
            throw new InvalidDataException($"a stored memory frame is not a {width}×{height} image");
        }
        ReadOnlySpan<byte> rgba = bitmap.GetPixelSpan();
        byte[] rgb = new byte[width * height * 3];
        for (int p = 0, q = 0; p < rgb.Length; p += 3, q += 4)
        {
            rgb[p] = rgba[q];
            rgb[p + 1] = rgba[q + 1];
            rgb[p + 2] = rgba[q + 2];
        }
        return rgb;
    }
}
