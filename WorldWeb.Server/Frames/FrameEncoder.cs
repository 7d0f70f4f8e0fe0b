using Microsoft.Extensions.Options;
using SkiaSharp;

namespace WorldWeb.Server.Frames;

/// <summary>Encodes a world's RGB24 frame once per step for all of its viewers.</summary>
public sealed class FrameEncoder(IOptions<FrameEncoderOptions> options)
{
    private readonly FrameFormat _format = options.Value.Format;
    private readonly int _quality = options.Value.Quality;

    public string ContentType => ContentTypeOf(_format);

    public static string ContentTypeOf(FrameFormat format) => format switch
    {
        FrameFormat.Png => "image/png",
        FrameFormat.Jpeg => "image/jpeg",
        _ => "image/webp",
    };

    public byte[] Encode(ReadOnlySpan<byte> rgb, int width, int height) => Encode(rgb, width, height, _format, _quality);

    /// <param name="rgb">Interleaved RGB24, <c>[height, width, 3]</c>.</param>
    public static byte[] Encode(ReadOnlySpan<byte> rgb, int width, int height, FrameFormat format, int quality)
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
                using SKData data = format switch
                {
                    FrameFormat.Png => pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 6)),
                    FrameFormat.Jpeg => pixmap.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample444, SKJpegEncoderAlphaOption.Ignore)),
                    FrameFormat.WebpLossless => pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 75)),
                    _ => pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, quality)),
                } ?? throw new InvalidOperationException($"SkiaSharp could not encode a {format} frame");
                return data.ToArray();
            }
        }
    }
}
