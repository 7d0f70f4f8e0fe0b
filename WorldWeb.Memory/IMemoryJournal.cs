namespace WorldWeb.Memory;

/// <summary>Told of every change to a world's memory, in order, so that a store can persist it off the tick.</summary>
public interface IMemoryJournal
{
    void Added(MemoryEntry entry);

    void Evicted(MemoryEntry entry);
}
