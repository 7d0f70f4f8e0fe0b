using Microsoft.EntityFrameworkCore;
using WorldWeb.Persistence;
using WorldWeb.Server.Cluster;
using WorldWeb.Server.MemoryStorage;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Saves;

/// <summary>Saving a world where it stands and starting a new world from a save: what an owner and an admin ask for.</summary>
public sealed class WorldSaves(LiveWorlds worlds, WorldStore store, MemoryStore memory,
    IDbContextFactory<WorldWebDbContext> contexts, TimeProvider clock)
{
    /// <summary>
    /// Opens the world (resuming it when needed) and saves it at its current step, on the node that runs it, which decides
    /// whether the caller may; null when there is no such world.
    /// </summary>
    /// <exception cref="CallerRefusedException">The caller neither owns the world nor is an admin.</exception>
    /// <exception cref="WorldUnavailableException">The world exists but cannot run, or stopped on an error.</exception>
    public async Task<SaveRecord?> SaveNowAsync(string id, WorldCaller caller, string name, SaveKind kind, CancellationToken cancellationToken) =>
        await worlds.OpenAsync(id) is { } world ? await worlds.SaveAsync(world, caller, name, kind, cancellationToken) : null;

    /// <summary>
    /// A new world of the same owner, model and seed that starts at save <paramref name="saveId"/> of <paramref name="world"/>,
    /// with a copy of the save and of the memory it held (so it lives on if the original is deleted); null when the world
    /// has no such save.
    /// </summary>
    public async Task<WorldRecord?> ForkAsync(WorldRecord world, Guid saveId, CancellationToken cancellationToken)
    {
        SaveRecord? save;
        await using (WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            save = await db.Saves.AsNoTracking().FirstOrDefaultAsync(s => s.Id == saveId && s.WorldId == world.Id, cancellationToken);
        }
        if (save is null)
        {
            return null;
        }
        DateTimeOffset now = clock.GetUtcNow();
        var fork = new WorldRecord
        {
            Id = WorldIds.New(),
            Title = WorldTitles.ForkOf(world.Title),
            Model = world.Model,
            Seed = world.Seed,
            OwnerId = world.OwnerId,
            IsPublic = false,
            Step = save.Step,
            ForkedFromSaveId = save.Id,
            MemoryEnabled = world.MemoryEnabled,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var start = new SaveRecord
        {
            Id = Guid.NewGuid(),
            WorldId = fork.Id,
            Name = $"forked from {save.Name}",
            Kind = SaveKind.Fork,
            Step = save.Step,
            State = save.State,
            MemorySteps = save.MemorySteps,
            CreatedAt = now,
        };
        await store.AddAsync(fork, start, cancellationToken);
        await memory.CopyAsync(world.Id, fork.Id, save.MemorySteps, cancellationToken);
        return fork;
    }
}
