using Microsoft.EntityFrameworkCore;
using WorldWeb.Persistence;

namespace WorldWeb.Server.Database;

/// <summary>
/// Applies the migrations before anything else starts; the server does not start on a database it cannot migrate.
/// The nodes of a cluster start together on one database: a PostgreSQL advisory lock lets one migrate at a time, and
/// the others find the work done.
/// </summary>
internal sealed class DatabaseMigrator(IDbContextFactory<WorldWebDbContext> contexts, MigrationStatus status, ILogger<DatabaseMigrator> logger)
    : IHostedService
{
    /// <summary>The advisory lock's key: any number no other part of WorldWeb locks.</summary>
    private const long MigrationLock = 0x57_6F_72_6C_64_57_65_62;  // "WorldWeb"

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            // Held by the session: on one open connection, released when it closes even if the unlock is never reached.
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLock})", ct);
                await db.Database.MigrateAsync(ct);
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationLock})", ct);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }, cancellationToken);
        string last = db.Database.GetMigrations().LastOrDefault() ?? "(none)";
        status.MarkApplied(last);
        logger.LogInformation("Database migrated to {Migration}", last);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
