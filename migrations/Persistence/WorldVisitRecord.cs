namespace WorldWeb.Persistence;

/// <summary>
/// The first time a visitor other than the owner joined a world, and at which step: steps from then on are steps they
/// could watch, so they may clip them.
/// </summary>
public sealed class WorldVisitRecord
{
    public required string WorldId { get; init; }
    public required string VisitorId { get; init; }
    public long FirstStep { get; init; }
    public DateTimeOffset FirstAt { get; init; }
}
