using Microsoft.EntityFrameworkCore;
using WorldWeb.Persistence;

namespace WorldWeb.Server.Database;

/// <summary>Rows written for worlds (action log chunks, memory entries) against a world being deleted at the same moment.</summary>
internal static class WorldRowLocks
{
    /// <summary>
    /// Which of <paramref name="worldIds"/> still exist, each kept from deletion until the caller's transaction ends.
    /// A world deleted at the same moment either goes first, and nothing is written for it, or waits for the write
    /// and then takes its rows with it (they cascade). Checked without the lock, the world could go between the
    /// check and the insert, whose foreign key would then fail the whole batch.
    /// </summary>
    public static async Task<HashSet<string>> LockExistingAsync(WorldWebDbContext db, string[] worldIds, CancellationToken cancellationToken) =>
        [.. await db.Database.SqlQuery<string>($"SELECT id AS \"Value\" FROM worlds WHERE id = ANY({worldIds}) FOR KEY SHARE")
            .ToListAsync(cancellationToken)];
}
