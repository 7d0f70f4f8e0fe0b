namespace WorldWeb.Persistence;

/// <summary>
/// An append-only run of one world's applied actions: <see cref="Actions"/>[i] (one byte per step) was applied
/// at step <see cref="FirstStep"/> + i. One row per world per flush.
/// </summary>
public sealed class ActionLogChunk
{
    public long Id { get; init; }
    public required string WorldId { get; init; }
    public long FirstStep { get; init; }
    public required byte[] Actions { get; init; }

    /// <summary>
    /// Who sent the actions, for clips' events files only (replay never reads it): JSON <c>[[offset, who], …]</c>, one
    /// pair where the sender changes; null when nobody is named (chunks written before it, benches).
    /// </summary>
    public string? Actors { get; init; }
    public DateTimeOffset WrittenAt { get; init; }
}
