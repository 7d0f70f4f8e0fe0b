using WorldWeb.Inference.Poses;

namespace WorldWeb.Server.Worlds;

/// <summary>
/// A world at one step, exactly: the context frames (RGB24, oldest first; every frame the model sees has been
/// rounded to 8 bits, so nothing is lost), the tracked pose and the memory. Noise needs no state: it is
/// drawn from (seed, step).
/// </summary>
public sealed record WorldState(long Step, Pose Pose, IReadOnlyList<byte[]> Context, IReadOnlyList<Keyframe> Keyframes)
{
    /// <summary>The frame the world shows at <see cref="Step"/>.</summary>
    public byte[] CurrentFrame => Context[^1];
}
