namespace WorldWeb.Tools.Images;

/// <summary>Lays RGB24 frames out on a grid with a 2-pixel gap and saves the sheet as PNG.</summary>
public sealed class FrameStrip(int frameWidth, int frameHeight, int columns, int count)
{
    private const int Gap = 2;
    private readonly int rows = (count + columns - 1) / columns;
    private int SheetWidth => columns * (frameWidth + Gap) - Gap;
    private int SheetHeight => rows * (frameHeight + Gap) - Gap;
    private byte[]? pixels;

    public void Place(int index, ReadOnlySpan<byte> rgb)
    {
        pixels ??= Enumerable.Repeat((byte)255, SheetWidth * SheetHeight * 3).ToArray();
        int left = index % columns * (frameWidth + Gap), top = index / columns * (frameHeight + Gap);
        for (var y = 0; y < frameHeight; y++)
            rgb.Slice(y * frameWidth * 3, frameWidth * 3).CopyTo(pixels.AsSpan(((top + y) * SheetWidth + left) * 3));
    }

    public void Save(string path) => PngWriter.Write(path, pixels ?? [], SheetWidth, SheetHeight);
}
