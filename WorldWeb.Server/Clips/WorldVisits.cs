using Microsoft.EntityFrameworkCore;
using WorldWeb.Persistence;
using WorldWeb.Server.Database;

namespace WorldWeb.Server.Clips;

/// <summary>
/// When each visitor other than its owner first joined a world (<c>world_visits</c>): a viewer may clip only the steps
/// from then on, the steps they could have watched.
/// </summary>
public sealed partial class WorldVisits(IDbContextFactory<WorldWebDbContext> contexts, TimeProvider clock, ILogger<WorldVisits> logger)
{
    /// <summary>Notes the first join; later joins change nothing. A database away costs the visitor only this right, never the join.</summary>
    public async Task JoinedAsync(string worldId, string? visitorId, long step, CancellationToken cancellationToken)
    {
        if (visitorId is null)
        {
            return;
        }
        try
        {
            await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO world_visits (world_id, visitor_id, first_step, first_at) VALUES ({worldId}, {visitorId}, {step}, {clock.GetUtcNow()})
                ON CONFLICT (world_id, visitor_id) DO NOTHING
                """, cancellationToken);
        }
        catch (Exception ex) when (DatabaseFaults.IsTransient(ex))
        {
            LogNotNoted(logger, ex, worldId);
        }
    }

    /// <summary>The step from which the visitor may clip the world; null when they never joined it.</summary>
    public async Task<long?> FirstStepAsync(string worldId, string visitorId, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.WorldVisits.Where(v => v.WorldId == worldId && v.VisitorId == visitorId)
            .Select(v => (long?)v.FirstStep).FirstOrDefaultAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "World {WorldId}: a visitor's join could not be noted (the database is away); they cannot clip what they watch now")]
    private static partial void LogNotNoted(ILogger logger, Exception exception, string worldId);
}
