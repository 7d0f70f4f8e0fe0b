namespace WorldWeb.Inference.Packages;

/// <summary>Size of the frames the model reads and writes.</summary>
public sealed record FrameSpec(int Width, int Height, int Channels)
{
    /// <summary>Floats in one channel-first frame, <c>[channels, height, width]</c>.</summary>
    public int FloatCount => Channels * Height * Width;
}
