using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using WorldWeb.Persistence;

namespace WorldWeb.Server.Persistence;

internal sealed class DatabaseHealthCheck(IDbContextFactory<WorldWebDbContext> contexts, MigrationStatus status) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (status.Applied is null)
        {
            return HealthCheckResult.Unhealthy("migrations not applied yet");
        }
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy($"database reachable, migrated to {status.Applied}")
            : HealthCheckResult.Unhealthy("database unreachable");
    }
}
