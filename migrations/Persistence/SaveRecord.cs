namespace WorldWeb.Persistence;

/// <summary>
/// Everything needed to resume a world exactly at <see cref="Step"/> (context frames, pose, memory), as one
/// compressed blob whose layout the server owns. Autosaves shorten replay; users see their named saves.
/// </summary>
public sealed class SaveRecord
{
    public Guid Id { get; init; }
    public required string WorldId { get; init; }
    public required string Name { get; init; }
    public SaveKind Kind { get; init; }
    public long Step { get; init; }
    public required byte[] State { get; init; }
    /// <summary>The steps of the memory entries the world held at <see cref="Step"/> (rows of <c>memory_entries</c>).</summary>
    public long[] MemorySteps { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
}

public enum SaveKind
{
    User = 0,
    Auto = 1,
    Fork = 2,
}
