using Microsoft.EntityFrameworkCore;
using WorldWeb.Persistence;

namespace WorldWeb.Server.Persistence;

/// <summary>Applies the migrations before anything else starts; the server does not start on a database it cannot migrate.</summary>
internal sealed class DatabaseMigrator(IDbContextFactory<WorldWebDbContext> contexts, MigrationStatus status, ILogger<DatabaseMigrator> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Database.CreateExecutionStrategy().ExecuteAsync(
            async ct => await db.Database.MigrateAsync(ct), cancellationToken);
        string last = db.Database.GetMigrations().LastOrDefault() ?? "(none)";
        status.MarkApplied(last);
        logger.LogInformation("Database migrated to {Migration}", last);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
