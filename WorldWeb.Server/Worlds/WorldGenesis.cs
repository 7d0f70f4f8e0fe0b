using WorldWeb.Inference.Poses;
using WorldWeb.Memory;
using WorldWeb.Server.ModelPackages;

namespace WorldWeb.Server.Worlds;

/// <summary>Where a new world starts: what a world without a save resumes from.</summary>
public static class WorldGenesis
{
    /// <summary>The state a new world starts from: start state seed mod N of its model, at pose (0, 0, 0).</summary>
    public static WorldState Of(LoadedModel model, long seed)
    {
        int frameBytes = model.Manifest.Frame.ValueCount;
        ReadOnlySpan<byte> start = model.Package.Start((int)((ulong)seed % (ulong)model.Package.StartCount));
        var frames = new byte[model.Manifest.ContextFrames][];
        for (int k = 0; k < frames.Length; k++)
        {
            frames[k] = start.Slice(k * frameBytes, frameBytes).ToArray();
        }
        return new WorldState(0, new Pose(0, 0, 0), frames, MemorySnapshot.Empty);
    }
}
