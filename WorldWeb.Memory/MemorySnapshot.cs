namespace WorldWeb.Memory;

/// <summary>
/// A world's memory at one step, by reference: which entries it held (their frames live in the store) with their
/// hits, and the step of the latest write. Enough, with the stored entries, to restore the memory exactly.
/// </summary>
public sealed record MemorySnapshot(long LastWriteStep, IReadOnlyList<MemorySnapshot.Held> Entries)
{
    public static MemorySnapshot Empty { get; } = new(0, []);

    public readonly record struct Held(long Step, int Hits);
}
