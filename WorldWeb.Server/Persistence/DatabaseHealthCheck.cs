using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using WorldWeb.Persistence;
using WorldWeb.Server.ActionLog;

namespace WorldWeb.Server.Persistence;

/// <summary>
/// Degraded, not unhealthy, while the database is away: worlds keep playing and their actions wait in memory (how many
/// is in the result), until too many wait and worlds pause. Unhealthy only before the migrations are applied.
/// </summary>
internal sealed class DatabaseHealthCheck(IDbContextFactory<WorldWebDbContext> contexts, MigrationStatus status, WorldActionLog log) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["pending_actions"] = log.Pending };
        if (status.Applied is null)
        {
            return HealthCheckResult.Unhealthy("migrations not applied yet", data: data);
        }
        bool reachable;
        try
        {
            await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
            reachable = await db.Database.CanConnectAsync(cancellationToken);
        }
        catch (Exception ex) when (DatabaseFaults.IsTransient(ex))
        {
            reachable = false;
        }
        if (!reachable)
        {
            return HealthCheckResult.Degraded(log.IsBacklogged
                ? "database unreachable; worlds are paused until it takes their waiting actions"
                : "database unreachable; worlds play on and their actions wait in memory", data: data);
        }
        return HealthCheckResult.Healthy($"database reachable, migrated to {status.Applied}", data: data);
    }
}
