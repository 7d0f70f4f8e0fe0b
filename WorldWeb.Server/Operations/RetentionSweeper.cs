using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WorldWeb.Persistence;
using WorldWeb.Server.Workers;

namespace WorldWeb.Server.Operations;

/// <summary>
/// Every <see cref="RetentionOptions.SweepEveryMinutes"/>: deletes action-log chunks no resume can need, share links long
/// revoked or expired, and old audit entries.
/// </summary>
public sealed partial class RetentionSweeper(IDbContextFactory<WorldWebDbContext> contexts, IOptions<RetentionOptions> options, WorkerFaults faults,
    TimeProvider clock, ILogger<RetentionSweeper> logger) : PeriodicWorker(faults, clock, logger)
{
    protected override TimeSpan Every => TimeSpan.FromMinutes(options.Value.SweepEveryMinutes);

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => SweepAsync(cancellationToken);

    /// <summary>One sweep; returns the chunks, links and audit entries deleted.</summary>
    public async Task<(int Chunks, int Links, int AuditEntries)> SweepAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = Clock.GetUtcNow();
        DateTimeOffset chunksBefore = now.AddDays(-options.Value.ActionLogDays), auditBefore = now.AddDays(-options.Value.AuditDays),
            linksBefore = now.AddDays(-options.Value.DeadLinkDays);
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        // A resume starts from the world's furthest save, so a chunk that ends at or before it is never replayed.
        int chunks = await db.ActionLog
            .Where(c => c.WrittenAt < chunksBefore
                && c.FirstStep + c.Actions.Length - 1 <= db.Saves.Where(s => s.WorldId == c.WorldId).Max(s => (long?)s.Step))
            .ExecuteDeleteAsync(cancellationToken);
        int links = await db.ShareLinks.Where(l => l.RevokedAt < linksBefore || l.ExpiresAt < linksBefore).ExecuteDeleteAsync(cancellationToken);
        int audit = await db.AuditLog.Where(a => a.At < auditBefore).ExecuteDeleteAsync(cancellationToken);
        if (chunks + links + audit > 0)
        {
            LogSwept(logger, chunks, links, audit);
        }
        return (chunks, links, audit);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Chunks} action-log chunks no resume needs, {Links} dead share links and {Audit} old audit entries")]
    private static partial void LogSwept(ILogger logger, int chunks, int links, int audit);
}
