using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WorldWeb.Persistence;

namespace WorldWeb.Server.Clips;

/// <summary>A limit that refused a clip, and what the one who asked can do.</summary>
public enum ClipLimit
{
    RendersPerVisitor,
    RendersPerAddress,
    ClipsPerVisitor,
    StoragePerVisitor,
    StoragePerAddress,
}

/// <summary>
/// Clips in PostgreSQL: a row each (<c>clips</c>) and, once rendered, their files (<c>clip_files</c>). The database holds
/// the files, not a server's disk: a clip rendered on one node of a cluster is served by any, and outlives its node.
/// </summary>
public sealed class ClipStore(IDbContextFactory<WorldWebDbContext> contexts, TimeProvider clock, IOptions<ClipOptions> options)
{
    private static readonly ClipStatus[] Unfinished = [ClipStatus.Queued, ClipStatus.Rendering];

    /// <summary>
    /// Adds the clip, queued, unless a limit refuses it. The counts and the insert run under one lock for every server,
    /// so requests at once cannot all pass a limit that only one fits.
    /// </summary>
    public async Task<ClipLimit?> AddAsync(ClipRecord clip, CancellationToken cancellationToken)
    {
        ClipOptions limits = options.Value;
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using WorldWebDbContext write = await contexts.CreateDbContextAsync(cancellationToken);
            await using var transaction = await write.Database.BeginTransactionAsync(cancellationToken);
            await write.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('worldweb.clips'))", cancellationToken);
            ClipLimit? limit =
                await write.Clips.CountAsync(c => c.OwnerId == clip.OwnerId && Unfinished.Contains(c.Status), cancellationToken) >= limits.MaxRendersPerVisitor ? ClipLimit.RendersPerVisitor
                : await write.Clips.CountAsync(c => c.Address == clip.Address && Unfinished.Contains(c.Status), cancellationToken) >= limits.MaxRendersPerAddress ? ClipLimit.RendersPerAddress
                : await write.Clips.CountAsync(c => c.OwnerId == clip.OwnerId, cancellationToken) >= limits.MaxClipsPerVisitor ? ClipLimit.ClipsPerVisitor
                : await write.Clips.Where(c => c.OwnerId == clip.OwnerId).SumAsync(c => c.Bytes, cancellationToken) >= limits.MaxBytesPerVisitor ? ClipLimit.StoragePerVisitor
                : await write.Clips.Where(c => c.Address == clip.Address).SumAsync(c => c.Bytes, cancellationToken) >= limits.MaxBytesPerAddress ? ClipLimit.StoragePerAddress
                : null;
            if (limit is null)
            {
                write.Clips.Add(clip);
                await write.SaveChangesAsync(cancellationToken);
            }
            await transaction.CommitAsync(CancellationToken.None);
            return limit;
        });
    }

    /// <summary>The clip with its world's title; null when there is none (never was, deleted, or expired).</summary>
    public async Task<(ClipRecord Clip, string Title)?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        var found = await db.Clips.AsNoTracking().Where(c => c.Id == id)
            .Join(db.Worlds, c => c.WorldId, w => w.Id, (c, w) => new { Clip = c, w.Title }).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : (found.Clip, found.Title);
    }

    /// <summary>The clips of a visitor, newest first, of one world or all.</summary>
    public async Task<List<(ClipRecord Clip, string Title)>> ListAsync(string ownerId, string? worldId, int take, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Clips.AsNoTracking().Where(c => c.OwnerId == ownerId && (worldId == null || c.WorldId == worldId))
            .Join(db.Worlds, c => c.WorldId, w => w.Id, (c, w) => new { Clip = c, w.Title })
            .OrderByDescending(r => r.Clip.CreatedAt).Take(take).ToListAsync(cancellationToken);
        return rows.Select(r => (r.Clip, r.Title)).ToList();
    }

    /// <summary>Marks a queued clip as rendering; null when it was deleted while it waited.</summary>
    public async Task<ClipRecord?> StartAsync(string id, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        int started = await db.Clips.Where(c => c.Id == id && c.Status == ClipStatus.Queued)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.Status, ClipStatus.Rendering).SetProperty(c => c.UpdatedAt, clock.GetUtcNow()), cancellationToken);
        return started == 0 ? null : await db.Clips.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
    }

    /// <summary>Notes a render's progress; false when the clip is gone (its owner deleted it, on whichever server).</summary>
    public async Task<bool> ProgressAsync(string id, int percent, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Clips.Where(c => c.Id == id && c.Status == ClipStatus.Rendering)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.Percent, percent).SetProperty(c => c.UpdatedAt, clock.GetUtcNow()), cancellationToken) > 0;
    }

    /// <summary>Stores the rendered files and marks the clip ready, in one transaction; nothing when it was deleted meanwhile.</summary>
    public async Task FinishAsync(string id, RenderedClip rendered, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using WorldWebDbContext write = await contexts.CreateDbContextAsync(cancellationToken);
            await using var transaction = await write.Database.BeginTransactionAsync(cancellationToken);
            int marked = await write.Clips.Where(c => c.Id == id && c.Status == ClipStatus.Rendering).ExecuteUpdateAsync(set => set
                .SetProperty(c => c.Status, ClipStatus.Ready).SetProperty(c => c.Percent, 100)
                .SetProperty(c => c.Bytes, rendered.Bytes).SetProperty(c => c.HasAnimation, rendered.Animation != null)
                .SetProperty(c => c.UpdatedAt, clock.GetUtcNow()), cancellationToken);
            if (marked > 0)
            {
                write.ClipFiles.Add(new ClipFileRecord { ClipId = id, Video = rendered.Video, Events = rendered.Events, Animation = rendered.Animation });
                await write.SaveChangesAsync(cancellationToken);
            }
            await transaction.CommitAsync(CancellationToken.None);
        });
    }

    public async Task FailAsync(string id, string error, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Clips.Where(c => c.Id == id && c.Status != ClipStatus.Ready).ExecuteUpdateAsync(set => set
            .SetProperty(c => c.Status, ClipStatus.Failed).SetProperty(c => c.Error, error[..Math.Min(error.Length, 500)])
            .SetProperty(c => c.UpdatedAt, clock.GetUtcNow()), cancellationToken);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Clips.Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    public async Task<byte[]?> VideoAsync(string id, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ClipFiles.Where(f => f.ClipId == id).Select(f => f.Video).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The clip's GIF; null when it has none (a longer clip) or is not rendered.</summary>
    public async Task<byte[]?> AnimationAsync(string id, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ClipFiles.Where(f => f.ClipId == id).Select(f => f.Animation).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<byte[]?> EventsAsync(string id, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ClipFiles.Where(f => f.ClipId == id).Select(f => f.Events).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Tells other servers that the clips <paramref name="held"/> here are alive, deletes expired clips, and fails the
    /// unfinished ones no server has held for <see cref="ClipOptions.StaleRenderSeconds"/> (their server stopped).
    /// </summary>
    public async Task<(int Expired, int Stale)> SweepAsync(IReadOnlyCollection<string> held, CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow(), staleBefore = now.AddSeconds(-options.Value.StaleRenderSeconds);
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        if (held.Count > 0)
        {
            string[] ids = [.. held];
            await db.Clips.Where(c => ids.Contains(c.Id) && Unfinished.Contains(c.Status))
                .ExecuteUpdateAsync(set => set.SetProperty(c => c.UpdatedAt, now), cancellationToken);
        }
        int expired = await db.Clips.Where(c => c.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
        int stale = await db.Clips.Where(c => Unfinished.Contains(c.Status) && c.UpdatedAt < staleBefore).ExecuteUpdateAsync(set => set
            .SetProperty(c => c.Status, ClipStatus.Failed).SetProperty(c => c.UpdatedAt, now)
            .SetProperty(c => c.Error, "The server that took this clip stopped before it was rendered; ask for it again."), cancellationToken);
        return (expired, stale);
    }
}

/// <summary>A clip's files as rendered: the video, the events file, and a GIF for a short clip.</summary>
public sealed record RenderedClip(byte[] Video, byte[] Events, byte[]? Animation)
{
    public long Bytes => Video.LongLength + Events.LongLength + (Animation?.LongLength ?? 0);
}
