using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using WorldWeb.Persistence;
using WorldWeb.Server.Visitors;

namespace WorldWeb.Server.Audit;

/// <summary>Who did what to which world or account, and when: admin and owner actions, kept in PostgreSQL.</summary>
public sealed partial class AuditLog(IDbContextFactory<WorldWebDbContext> contexts, TimeProvider clock, ILogger<AuditLog> logger)
{
    public const int MaxPage = 500;

    public async Task RecordAsync(ClaimsPrincipal actor, string action, string? target, string? detail, CancellationToken cancellationToken)
    {
        string actorId = actor.UserId() ?? "unknown";
        var entry = new AuditEntry
        {
            At = clock.GetUtcNow(),
            ActorId = actorId,
            ActorEmail = actor.Email(),
            Action = action,
            Target = target,
            Detail = detail is { Length: > 500 } ? detail[..500] : detail,
        };
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        db.AuditLog.Add(entry);
        // The audit row must not be lost to a caller that hangs up right after the action it records.
        await db.SaveChangesAsync(CancellationToken.None);
        LogRecorded(logger, action, target, actorId);
    }

    /// <summary>
    /// Newest first, older than entry <paramref name="beforeId"/> when given (the next page: the last id of this one);
    /// each filter is a case-insensitive substring (actor matches id or email).
    /// </summary>
    public async Task<List<AuditEntry>> QueryAsync(string? actor, string? action, string? target, long? beforeId, int take, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        IQueryable<AuditEntry> query = db.AuditLog.AsNoTracking();
        if (beforeId is { } before)
        {
            query = query.Where(e => e.Id < before);
        }
        if (!string.IsNullOrWhiteSpace(actor))
        {
            string pattern = Like(actor);
            query = query.Where(e => EF.Functions.ILike(e.ActorId, pattern) || (e.ActorEmail != null && EF.Functions.ILike(e.ActorEmail, pattern)));
        }
        if (!string.IsNullOrWhiteSpace(action))
        {
            string pattern = Like(action);
            query = query.Where(e => EF.Functions.ILike(e.Action, pattern));
        }
        if (!string.IsNullOrWhiteSpace(target))
        {
            string pattern = Like(target);
            query = query.Where(e => e.Target != null && EF.Functions.ILike(e.Target, pattern));
        }
        return await query.OrderByDescending(e => e.Id).Take(Math.Clamp(take, 1, MaxPage)).ToListAsync(cancellationToken);
    }

    /// <summary>A substring pattern for ILIKE with the user's text taken literally.</summary>
    public static string Like(string text) =>
        "%" + text.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit: {Action} on {Target} by {ActorId}")]
    private static partial void LogRecorded(ILogger logger, string action, string? target, string actorId);
}

/// <summary>The <c>action</c> values of audit entries.</summary>
public static class AuditActions
{
    public const string SignUp = "account.signup";
    public const string AdminCreated = "account.admin";
    public const string WorldCreate = "world.create";
    public const string WorldDelete = "world.delete";
    public const string WorldSettings = "world.settings";
    public const string SaveCreate = "world.save";
    public const string SaveDelete = "world.save.delete";
    public const string Fork = "world.fork";
    public const string LinkCreate = "link.create";
    public const string LinkRevoke = "link.revoke";
    public const string ActionMask = "world.actions";
    public const string ClipCreate = "clip.create";
    public const string ClipDelete = "clip.delete";
    public const string AdminSave = "admin.world.save";
    public const string AdminStop = "admin.world.stop";
    public const string AdminDelete = "admin.world.delete";
    public const string AdminLinkRevoke = "admin.link.revoke";
    public const string AdminModelLoad = "admin.model.load";
    public const string AdminModelUnload = "admin.model.unload";
    public const string AdminNodeDrain = "admin.node.drain";
    public const string AdminNodeUndrain = "admin.node.undrain";
}
