namespace WorldWeb.Memory;

/// <summary>
/// A world's memory at one step, by reference: which entries it held (their frames live in the store) with their
/// hits, the step of the latest write, and the places stood on (<see cref="StoodPlaces"/>, inline: 8 bytes each).
/// Enough, with the stored entries, to restore the memory exactly.
/// </summary>
public sealed record MemorySnapshot(long LastWriteStep, IReadOnlyList<MemorySnapshot.Held> Entries, IReadOnlyList<StoodPlaces.Place>? Stood = null)
{
    public static MemorySnapshot Empty { get; } = new(0, []);

    /// <summary>The places stood on; none in a snapshot from before they were kept.</summary>
    public IReadOnlyList<StoodPlaces.Place> StoodPlaces => Stood ?? [];

    public readonly record struct Held(long Step, int Hits);
}
