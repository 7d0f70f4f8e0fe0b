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

    public async Task<SaveRecord> AddSaveAsync(string worldId, string name, SaveKind kind, long step, byte[] state, long[] memorySteps, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        var save = new SaveRecord
        {
            Id = Guid.NewGuid(), WorldId = worldId, Name = name, Kind = kind, Step = step, State = state, MemorySteps = memorySteps, CreatedAt = clock.GetUtcNow(),
        };
        db.Saves.Add(save);
        await db.SaveChangesAsync(cancellationToken);
        if (kind == SaveKind.Auto)
        {
            // One autosave per world is enough to resume from; older ones only take room.
            await db.Saves.Where(s => s.WorldId == worldId && s.Kind == SaveKind.Auto && s.Id != save.Id).ExecuteDeleteAsync(cancellationToken);
        }
        return save;
    }
}
