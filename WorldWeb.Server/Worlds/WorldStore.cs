using Microsoft.EntityFrameworkCore;
using WorldWeb.Persistence;

namespace WorldWeb.Server.Worlds;

/// <summary>The database side of worlds: records, saves and the logged actions to replay.</summary>
public sealed class WorldStore(IDbContextFactory<WorldWebDbContext> contexts, TimeProvider clock)
{
    public async Task<WorldRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Worlds.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, cancellationToken);
    }

    public async Task<int> CountOwnedAsync(string ownerId, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Worlds.CountAsync(w => w.OwnerId == ownerId, cancellationToken);
    }

    /// <summary>How many of <paramref name="worldIds"/> belong to <paramref name="ownerId"/>.</summary>
    public async Task<int> CountOwnedAmongAsync(string ownerId, IReadOnlyCollection<string> worldIds, CancellationToken cancellationToken)
    {
        if (worldIds.Count == 0)
        {
            return 0;
        }
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Worlds.CountAsync(w => w.OwnerId == ownerId && worldIds.Contains(w.Id), cancellationToken);
    }

    public async Task AddAsync(WorldRecord world, SaveRecord? firstSave, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Worlds.Add(world);
        if (firstSave is not null)
        {
            db.Saves.Add(firstSave);
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Gives every world of <paramref name="fromOwner"/> to <paramref name="toOwner"/>; the number of worlds moved.</summary>
    public async Task<int> ClaimAsync(string fromOwner, string toOwner, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Worlds.Where(w => w.OwnerId == fromOwner)
            .ExecuteUpdateAsync(set => set.SetProperty(w => w.OwnerId, toOwner), cancellationToken);
    }

    /// <summary>Those of <paramref name="worldIds"/> that are public (a deleted world is not).</summary>
    public async Task<HashSet<string>> PublicAmongAsync(IReadOnlyCollection<string> worldIds, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return [.. await db.Worlds.AsNoTracking().Where(w => worldIds.Contains(w.Id) && w.IsPublic).Select(w => w.Id).ToListAsync(cancellationToken)];
    }

    /// <summary>Sets the world's title and who may see and play it; false when there is no such world.</summary>
    public async Task<bool> SetSettingsAsync(string id, string title, bool isPublic, bool publicPlay, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Worlds.Where(w => w.Id == id).ExecuteUpdateAsync(set => set
            .SetProperty(w => w.Title, title)
            .SetProperty(w => w.IsPublic, isPublic)
            .SetProperty(w => w.PublicPlay, publicPlay)
            .SetProperty(w => w.UpdatedAt, now), cancellationToken) > 0;
    }

    public async Task SetDisabledActionsAsync(string id, int[] disabled, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Worlds.Where(w => w.Id == id).ExecuteUpdateAsync(set => set.SetProperty(w => w.DisabledActions, disabled), cancellationToken);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Worlds.Where(w => w.Id == id).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    /// <summary>The save to resume from: the one at the highest step.</summary>
    public async Task<SaveRecord?> LatestSaveAsync(string worldId, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Saves.AsNoTracking().Where(s => s.WorldId == worldId)
            .OrderByDescending(s => s.Step).ThenByDescending(s => s.CreatedAt).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The logged actions of steps <paramref name="afterStep"/> + 1, + 2, … as far as the log runs without a gap.</summary>
    public async Task<byte[]> ActionsAfterAsync(string worldId, long afterStep, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        List<ActionLogChunk> chunks = await db.ActionLog.AsNoTracking()
            .Where(c => c.WorldId == worldId && c.FirstStep + c.Actions.Length > afterStep + 1)
            .OrderBy(c => c.FirstStep).ToListAsync(cancellationToken);
        var actions = new List<byte>();
        long next = afterStep + 1;
        foreach (ActionLogChunk chunk in chunks)
        {
            if (chunk.FirstStep > next)
            {
                break;
            }
            actions.AddRange(chunk.Actions.Skip((int)(next - chunk.FirstStep)));
            next = afterStep + 1 + actions.Count;
        }
        return [.. actions];
    }

    public async Task<int> CountSavesAsync(string worldId, SaveKind kind, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Saves.CountAsync(s => s.WorldId == worldId && s.Kind == kind, cancellationToken);
    }

    /// <summary>Deletes a save of <paramref name="kind"/> of the world; the deleted save, or null when there was none.</summary>
    public async Task<SaveRecord?> DeleteSaveAsync(string worldId, Guid saveId, SaveKind kind, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        SaveRecord? save = await db.Saves.AsNoTracking().SingleOrDefaultAsync(s => s.Id == saveId && s.WorldId == worldId && s.Kind == kind, cancellationToken);
        if (save is not null)
        {
            await db.Saves.Where(s => s.Id == saveId).ExecuteDeleteAsync(cancellationToken);
        }
        return save;
    }

    /// <summary>Deletes the logged chunks that start after <paramref name="step"/>; returns how many.</summary>
    public async Task<int> DropActionsAfterAsync(string worldId, long step, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ActionLog.Where(c => c.WorldId == worldId && c.FirstStep > step).ExecuteDeleteAsync(cancellationToken);
    }

    public async Task<SaveRecord> AddSaveAsync(string worldId, string name, SaveKind kind, long step, byte[] state, long[] memorySteps, CancellationToken cancellationToken)
    {
        var save = new SaveRecord
        {
            Id = Guid.NewGuid(), WorldId = worldId, Name = name, Kind = kind, Step = step, State = state, MemorySteps = memorySteps, CreatedAt = clock.GetUtcNow(),
        };
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        // The retrying strategy replays the whole transaction, so each attempt adds the save to a fresh context.
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using WorldWebDbContext write = await contexts.CreateDbContextAsync(cancellationToken);
            await using var transaction = await write.Database.BeginTransactionAsync(cancellationToken);
            if (kind == SaveKind.Auto)
            {
                // Autosaves of one world (the reaper, an admin, shutdown) take turns: without the lock two at once
                // could each delete the other and leave none to resume from.
                await write.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtext({worldId}))", cancellationToken);
            }
            write.Saves.Add(save);
            await write.SaveChangesAsync(cancellationToken);
            if (kind == SaveKind.Auto)
            {
                // One autosave per world is enough to resume from, the furthest; older ones only take room.
                Guid keep = await write.Saves.Where(s => s.WorldId == worldId && s.Kind == SaveKind.Auto)
                    .OrderByDescending(s => s.Step).ThenByDescending(s => s.CreatedAt).Select(s => s.Id).FirstAsync(cancellationToken);
                await write.Saves.Where(s => s.WorldId == worldId && s.Kind == SaveKind.Auto && s.Id != keep).ExecuteDeleteAsync(cancellationToken);
            }
            await transaction.CommitAsync(CancellationToken.None);
        });
        return save;
    }
}
