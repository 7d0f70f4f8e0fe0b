namespace WorldWeb.Persistence;

/// <summary>
/// A memory a world wrote at <see cref="Step"/>: the tracked pose and the stored frame (codebook tokens, or JPEG:
/// WorldWeb.Memory's MemoryFrameCodec tells them apart). An evicted entry stays
/// while a save still holds it (<see cref="SaveRecord.MemorySteps"/>), so resuming from that save finds it.
/// </summary>
public sealed class MemoryEntryRecord
{
    public required string WorldId { get; init; }
    public long Step { get; init; }
    public double X { get; init; }
    public double Y { get; init; }
    public double Heading { get; init; }
    public bool Landmark { get; init; }
    public bool Evicted { get; set; }
    public required byte[] Frame { get; init; }
}
