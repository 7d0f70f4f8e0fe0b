using WorldWeb.Inference.Poses;
using WorldWeb.Memory;

namespace WorldWeb.Server.Worlds;

/// <summary>
/// A world at one step, exactly: the context frames (RGB24, oldest first; every frame the model sees has been
/// rounded to 8 bits, so nothing is lost), the tracked pose and the memory it held (by reference: the entries live
/// in the memory store). Noise needs no state: it is drawn from (seed, step).
/// </summary>
public sealed record WorldState(long Step, Pose Pose, IReadOnlyList<byte[]> Context, MemorySnapshot Memory)
{
    /// <summary>The frame the world shows at <see cref="Step"/>.</summary>
    public byte[] CurrentFrame => Context[^1];
}
