using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Stepping;

/// <summary>A tick's worlds after their step: the frames to encode and publish, and who faulted.</summary>
internal sealed record SteppedTick(WorldSession[] Due, byte[][] Rgb, long[] Steps, long[] Seqs, Exception?[] Faults, TickParts Parts)
{
    public int Stepped => Faults.Count(f => f is null);
}
