namespace WorldWeb.Inference.Packages;

/// <summary>Size of the frames the model reads and writes.</summary>
public sealed record FrameSpec(int Width, int Height, int Channels)
{
    /// <summary>Values in one frame, <c>[channels, height, width]</c>: its floats as a tensor, its bytes as 8-bit RGB.</summary>
    public int ValueCount => Channels * Height * Width;
}
