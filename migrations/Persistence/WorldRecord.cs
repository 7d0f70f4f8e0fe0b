namespace WorldWeb.Persistence;

/// <summary>A world: model, seed and owner. <see cref="Step"/> is the last step the action log reached.</summary>
public sealed class WorldRecord
{
    public required string Id { get; init; }
    public required string Title { get; set; }
    public required string Model { get; init; }
    public long Seed { get; init; }
    public required string OwnerId { get; init; }
    /// <summary>Anyone may watch it (and the lobby lists it while it is live).</summary>
    public bool IsPublic { get; set; }
    /// <summary>Anyone may also play it, not only watch it; only while it is public.</summary>
    public bool PublicPlay { get; set; }
    public long Step { get; set; }
    public Guid? ForkedFromSaveId { get; init; }
    /// <summary>Off: the model's memory slots stay empty (to compare with and without memory). Fixed at creation, so replay agrees.</summary>
    public bool MemoryEnabled { get; init; } = true;

    /// <summary>Action indexes the owner has disabled for players (never 0, the noop).</summary>
    public int[] DisabledActions { get; set; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}
