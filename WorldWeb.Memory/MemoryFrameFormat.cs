namespace WorldWeb.Memory;

/// <summary>How a world's memory stores frames (<see cref="MemoryPolicy.FrameFormat"/>). Entries of any format load, whatever the setting.</summary>
public enum MemoryFrameFormat
{
    /// <summary>Tokens when the model's package carries its codebook, else JPEG.</summary>
    Auto,

    /// <summary>JPEG 4:2:0 at <see cref="MemoryPolicy.FrameQuality"/>.</summary>
    Jpeg,

    /// <summary>PNG: lossless, and several times the bytes of either of the others.</summary>
    Png,

    /// <summary>The model's own codebook indices (<see cref="TokenFrameCodec"/>); needs a package that carries its codebook.</summary>
    Tokens,
}
