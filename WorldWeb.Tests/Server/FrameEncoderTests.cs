using SkiaSharp;
using WorldWeb.Server.Frames;

namespace WorldWeb.Tests.Server;

[Trait(Category.Name, Category.Unit)]
public sealed class FrameEncoderTests
{
    [Theory]
    [InlineData(FrameFormat.Png, true)]
    [InlineData(FrameFormat.WebpLossless, true)]
    [InlineData(FrameFormat.Jpeg, false)]
    [InlineData(FrameFormat.Webp, false)]
    public void Encode_DecodesBackToTheFrame(FrameFormat format, bool lossless)
    {
        const int width = 16, height = 8;
        byte[] rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                // A smooth picture, like a world's: lossy codecs keep it close.
                (rgb[3 * (y * width + x)], rgb[3 * (y * width + x) + 1], rgb[3 * (y * width + x) + 2]) = ((byte)(x * 15), (byte)(y * 30), (byte)(100 + x + y));
            }
        }

        byte[] encoded = FrameEncoder.Encode(rgb, width, height, format, quality: 90);

        using SKBitmap decoded = SKBitmap.Decode(encoded);
        Assert.Equal((width, height), (decoded.Width, decoded.Height));
        int maxError = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                SKColor c = decoded.GetPixel(x, y);
                int p = 3 * (y * width + x);
                maxError = Math.Max(maxError, Math.Max(Math.Abs(c.Red - rgb[p]), Math.Max(Math.Abs(c.Green - rgb[p + 1]), Math.Abs(c.Blue - rgb[p + 2]))));
            }
        }
        Assert.True(lossless ? maxError == 0 : maxError <= 24, $"{format}: max error {maxError}");
    }
}
