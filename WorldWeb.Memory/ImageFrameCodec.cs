using SkiaSharp;

namespace WorldWeb.Memory;

/// <summary>Memory frames as images: JPEG (4:2:0, about a tenth of raw RGB24) or PNG (lossless), decoded by SkiaSharp.</summary>
public static class ImageFrameCodec
{
    public static byte[] Jpeg(ReadOnlySpan<byte> rgb, int width, int height, int quality) =>
        Rgb24Images.Encode(rgb, width, height,
            pixmap => pixmap.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)));

    public static byte[] Png(ReadOnlySpan<byte> rgb, int width, int height) =>
        Rgb24Images.Encode(rgb, width, height, pixmap => pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 9)));

    /// <exception cref="InvalidDataException">The bytes are not an image of this size.</exception>
    public static byte[] Decode(byte[] encoded, int width, int height)
    {
        // Bytes Skia knows no image format of give no codec, and SKBitmap.Decode(byte[]) would throw ArgumentNullException.
        using SKData data = SKData.CreateCopy(encoded);
        using SKCodec? codec = SKCodec.Create(data);
        using SKBitmap? bitmap = codec is null ? null : SKBitmap.Decode(codec, new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
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
