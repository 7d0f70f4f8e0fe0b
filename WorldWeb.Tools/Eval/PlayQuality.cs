namespace WorldWeb.Tools.Eval;

/// <summary>
/// Per-frame measures of what a player sees, with no reference for the frame and no pretrained network: its
/// 16×16 thumbnail (for realism against a bank of real frames), its mean absolute gradient (sharpness), and its
/// mean absolute 2×2 checkerboard response x[i,j] − x[i+1,j] − x[i,j+1] + x[i+1,j+1] (grid energy). Values are on
/// the 0–1 scale of an RGB24 frame; the report divides the last two by real frames' means.
/// </summary>
public static class PlayQuality
{
    public const int ThumbnailBlock = 4;

    /// <summary>4×4 area means, channels interleaved as in the frame.</summary>
    public static float[] Thumbnail(ReadOnlySpan<byte> rgb, int width, int height)
    {
        int w = width / ThumbnailBlock, h = height / ThumbnailBlock;
        var thumbnail = new float[w * h * 3];
        for (var y = 0; y < h * ThumbnailBlock; y++)
            for (var x = 0; x < w * ThumbnailBlock; x++)
                for (var c = 0; c < 3; c++)
                    thumbnail[((y / ThumbnailBlock) * w + x / ThumbnailBlock) * 3 + c] += rgb[(y * width + x) * 3 + c];
        var scale = 1f / (255f * ThumbnailBlock * ThumbnailBlock);
        for (var i = 0; i < thumbnail.Length; i++) thumbnail[i] *= scale;
        return thumbnail;
    }

    /// <summary>Mean of |horizontal difference| and |vertical difference|, over pixels and channels.</summary>
    public static double Gradient(ReadOnlySpan<byte> rgb, int width, int height)
    {
        long horizontal = 0, vertical = 0;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                for (var c = 0; c < 3; c++)
                {
                    int at = (y * width + x) * 3 + c, v = rgb[at];
                    if (x + 1 < width) horizontal += Math.Abs(rgb[at + 3] - v);
                    if (y + 1 < height) vertical += Math.Abs(rgb[at + width * 3] - v);
                }
        return (horizontal / (3.0 * (width - 1) * height) + vertical / (3.0 * width * (height - 1))) / 2 / 255;
    }

    /// <summary>Mean |x[i,j] − x[i+1,j] − x[i,j+1] + x[i+1,j+1]| over every 2×2 window and channel.</summary>
    public static double Checkerboard(ReadOnlySpan<byte> rgb, int width, int height)
    {
        long sum = 0;
        int row = width * 3;
        for (var y = 0; y + 1 < height; y++)
            for (var x = 0; x + 1 < width; x++)
                for (var c = 0; c < 3; c++)
                {
                    var at = (y * width + x) * 3 + c;
                    sum += Math.Abs(rgb[at] - rgb[at + 3] - rgb[at + row] + rgb[at + row + 3]);
                }
        return sum / (3.0 * (width - 1) * (height - 1)) / 255;
    }
}
