using WorldWeb.Memory;

namespace WorldWeb.Server.MemoryStorage;

/// <summary>A change to a world's memory waiting to be written: an added entry, or the eviction of one.</summary>
internal readonly record struct MemoryChange(string WorldId, MemoryEntry Entry, bool Evicted);
