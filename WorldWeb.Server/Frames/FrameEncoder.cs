using Microsoft.Extensions.Options;
using SkiaSharp;
using WorldWeb.Memory;

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
    public static byte[] Encode(ReadOnlySpan<byte> rgb, int width, int height, FrameFormat format, int quality) =>
        Rgb24Images.Encode(rgb, width, height, pixmap => format switch
        {
            FrameFormat.Png => pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 6)),
            FrameFormat.Jpeg => pixmap.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample444, SKJpegEncoderAlphaOption.Ignore)),
            FrameFormat.WebpLossless => pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 75)),
            _ => pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, quality)),
        });
}
