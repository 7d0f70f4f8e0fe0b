using WorldWeb.Inference.Poses;

namespace WorldWeb.Memory;

/// <summary>
/// A remembered frame: the step and tracked pose it was generated at, the frame as stored (<see cref="Encoded"/>)
/// and as the model sees it (<see cref="Rgb"/>, always decoded from <see cref="Encoded"/> so that a world and its
/// reloaded self feed the model the same bytes).
/// </summary>
public sealed class MemoryEntry(long step, Pose pose, byte[] encoded, byte[] rgb, bool landmark)
{
    public long Step { get; } = step;

    public Pose Pose { get; } = pose;

    public byte[] Encoded { get; } = encoded;

    public byte[] Rgb { get; } = rgb;

    /// <summary>What the write policy compares frames by (<see cref="FrameCompare.Thumbnail"/>); set when the entry joins a memory.</summary>
    internal float[] Thumbnail { get; set; } = [];

    /// <summary>The first memory of its area; eviction takes landmarks last.</summary>
    public bool Landmark { get; } = landmark;

    /// <summary>How often retrieval chose it: the usefulness eviction weighs.</summary>
    public int Hits { get; internal set; }

}
