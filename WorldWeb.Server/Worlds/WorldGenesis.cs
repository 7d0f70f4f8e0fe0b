using WorldWeb.Memory;
using WorldWeb.Server.ModelPackages;

namespace WorldWeb.Server.Worlds;

/// <summary>Where a new world starts: what a world without a save resumes from.</summary>
public static class WorldGenesis
{
    /// <summary>The state a new world starts from: start state seed mod N of its model, at its pose (0, 0, 0 where the package names none).</summary>
    public static WorldState Of(LoadedModel model, long seed)
    {
        int frameBytes = model.Manifest.Frame.ValueCount;
        int index = (int)((ulong)seed % (ulong)model.Package.StartCount);
        ReadOnlySpan<byte> start = model.Package.Start(index);
        var frames = new byte[model.Manifest.ContextFrames][];
        for (int k = 0; k < frames.Length; k++)
        {
            frames[k] = start.Slice(k * frameBytes, frameBytes).ToArray();
        }
        return new WorldState(0, model.Package.StartPose(index), frames, MemorySnapshot.Empty);
    }
}
