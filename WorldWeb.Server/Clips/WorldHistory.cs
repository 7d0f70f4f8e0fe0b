using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WorldWeb.Inference.Poses;
using WorldWeb.Memory;
using WorldWeb.Persistence;
using WorldWeb.Server.ActionLog;
using WorldWeb.Server.Coherence;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Clips;

/// <summary>Where a replay of a world's past starts: a save (null: the world's genesis) at <see cref="Step"/>.</summary>
public sealed record ReplayStart(Guid? SaveId, long Step);

/// <summary>
/// A world's past as a render reads it: the save to start from, the logged actions after it, and the state and memory
/// the save held. Read only, unlike a resume: nothing of the world, its log or its memory store changes, whether it is
/// live or not, so a render can never disturb the world it shows.
/// </summary>
public sealed class WorldHistory(IDbContextFactory<WorldWebDbContext> contexts, IOptions<MemoryPolicy> memoryPolicy,
    IOptions<CoherenceOptions> coherence, TimeProvider clock)
{
    /// <summary>
    /// The world at the latest save at or before <paramref name="fromStep"/>, with the logged actions to replay from
    /// there to <paramref name="toStep"/>: the same save, log and memory a resume would use, so the same frames.
    /// </summary>
    /// <exception cref="ClipRenderException">The steps cannot be rendered exactly (before the world began, missing from the log, a save unreadable).</exception>
    public async Task<HistoryReplay> ReplayAsync(WorldRecord world, LoadedModel model, long fromStep, long toStep, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        // One snapshot of the history: the world's autosave replaced meanwhile (and the memory only it named collected)
        // cannot tear what is read. The retrying strategy replays the whole read, so each attempt has its own context.
        (ReplayStart start, LoggedRun run, LoggedRun startStep, WorldState state, WorldMemory? memory) =
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                await using WorldWebDbContext read = await contexts.CreateDbContextAsync(cancellationToken);
                await using var snapshot = await read.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
                ReplayStart start = await StartAtOrBeforeAsync(read, world, fromStep, cancellationToken)
                    ?? throw new ClipRenderException($"Step {fromStep} is before this world began, at step {await FirstStepAsync(read, world, cancellationToken)}.");
                LoggedRun run = await LoggedAsync(read, world.Id, start.Step, toStep, cancellationToken);
                if (start.Step + run.Actions.Length < toStep)
                {
                    throw new ClipRenderException($"Step {start.Step + run.Actions.Length + 1} is missing from this world's log (lost in a crash, or deleted as old " +
                        $"once a later save covered it), so steps {fromStep}–{toStep} can no longer be rendered exactly.");
                }
                if (model.IndexOfUnknownAction(run.Actions) is var at and >= 0)
                {
                    throw new ClipRenderException($"Step {start.Step + 1 + at} of this world's log holds action {run.Actions[at]}, which the model " +
                        $"'{model.Name}' loaded now does not have: the log was made by another model of that name.");
                }
                // The action that made the save's step, shown when the clip starts there (the replay itself does not need it).
                LoggedRun startStep = start.Step == fromStep ? await LoggedAsync(read, world.Id, fromStep - 1, fromStep, cancellationToken) : LoggedRun.Empty;
                (WorldState state, WorldMemory? memory) = await StateAtAsync(read, world, start, model, cancellationToken);
                return (start, run, startStep, state, memory);
            });
        // No logger: a rollback the world logged when it happened is not news when replayed.
        var session = new WorldSession(world.Id, (ulong)world.Seed, model, state, memory, clock, coherence.Value);
        return new HistoryReplay(session, run, startStep);
    }

    /// <summary>
    /// The latest save at or before <paramref name="step"/>, else the world's genesis; null when the step comes before
    /// the world began (a fork begins at its save). The latest is the best start: a gap in the log after it (steps lost
    /// in a crash) would stop a replay from any earlier one too.
    /// </summary>
    public Task<ReplayStart?> StartAtOrBeforeAsync(WorldRecord world, long step, CancellationToken cancellationToken) =>
        ReadAsync(db => StartAtOrBeforeAsync(db, world, step, cancellationToken), cancellationToken);

    /// <summary>The first step of a world: 0, or for a fork the step of the save it began at.</summary>
    public Task<long> FirstStepAsync(WorldRecord world, CancellationToken cancellationToken) =>
        ReadAsync(db => FirstStepAsync(db, world, cancellationToken), cancellationToken);

    /// <summary>The logged actions of steps <paramref name="afterStep"/> + 1 … <paramref name="throughStep"/>, stopping early at a gap or where the log ends.</summary>
    public Task<byte[]> ActionsAsync(string worldId, long afterStep, long throughStep, CancellationToken cancellationToken) =>
        ReadAsync(async db => (await LoggedAsync(db, worldId, afterStep, throughStep, cancellationToken)).Actions, cancellationToken);

    private async Task<T> ReadAsync<T>(Func<WorldWebDbContext, Task<T>> read, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await read(db);
    }

    private static async Task<ReplayStart?> StartAtOrBeforeAsync(WorldWebDbContext db, WorldRecord world, long step, CancellationToken cancellationToken)
    {
        var save = await db.Saves.AsNoTracking().Where(s => s.WorldId == world.Id && s.Step <= step)
            .OrderByDescending(s => s.Step).ThenByDescending(s => s.CreatedAt).Select(s => new { s.Id, s.Step }).FirstOrDefaultAsync(cancellationToken);
        return save is not null ? new ReplayStart(save.Id, save.Step)
            : world.ForkedFromSaveId is null ? new ReplayStart(null, 0)
            : null;
    }

    private static async Task<long> FirstStepAsync(WorldWebDbContext db, WorldRecord world, CancellationToken cancellationToken) =>
        world.ForkedFromSaveId is null ? 0
        : await db.Saves.Where(s => s.WorldId == world.Id && s.Kind == SaveKind.Fork).MinAsync(s => (long?)s.Step, cancellationToken) ?? world.Step;

    private static async Task<LoggedRun> LoggedAsync(WorldWebDbContext db, string worldId, long afterStep, long throughStep, CancellationToken cancellationToken)
    {
        List<ActionLogChunk> chunks = await db.ActionLog.AsNoTracking()
            .Where(c => c.WorldId == worldId && c.FirstStep + c.Actions.Length > afterStep + 1 && c.FirstStep <= throughStep)
            .OrderBy(c => c.FirstStep).ToListAsync(cancellationToken);
        var actions = new List<byte>();
        var whos = new List<string?>();
        foreach (ActionLogChunk chunk in chunks)
        {
            long next = afterStep + 1 + actions.Count;
            if (chunk.FirstStep > next)
            {
                break;
            }
            int skip = (int)(next - chunk.FirstStep), take = (int)(throughStep - next + 1);
            actions.AddRange(chunk.Actions.Skip(skip).Take(take));
            whos.AddRange(ActorSpans.Decode(chunk.Actors, chunk.Actions.Length).Skip(skip).Take(take));
        }
        return new LoggedRun([.. actions], [.. whos]);
    }

    /// <summary>The world as it stood at <paramref name="start"/>: its genesis, or its save with the memory the save held (null when memory is off).</summary>
    private async Task<(WorldState State, WorldMemory? Memory)> StateAtAsync(WorldWebDbContext db, WorldRecord world, ReplayStart start, LoadedModel model,
        CancellationToken cancellationToken)
    {
        if (start.SaveId is not { } saveId)
        {
            return (WorldGenesis.Of(model, world.Seed), world.MemoryEnabled ? new WorldMemory(memoryPolicy.Value, MemoryFrames(model)) : null);
        }
        byte[] bytes = await db.Saves.Where(s => s.Id == saveId).Select(s => s.State).FirstAsync(cancellationToken);
        WorldState state;
        try
        {
            state = SaveCodec.Decode(bytes, model);
        }
        catch (InvalidDataException ex)
        {
            throw new ClipRenderException($"The save at step {start.Step} cannot be read by the model '{model.Name}' loaded now ({ex.Message}).");
        }
        return (state, world.MemoryEnabled ? await MemoryAtAsync(db, world.Id, state, MemoryFrames(model), cancellationToken) : null);
    }

    /// <summary>The memory a save held, read without touching the store (a resume trims and revives rows; a render must not).</summary>
    private async Task<WorldMemory> MemoryAtAsync(WorldWebDbContext db, string worldId, WorldState state, MemoryFrameCodec frames, CancellationToken cancellationToken)
    {
        long[] steps = state.Memory.Entries.Select(e => e.Step).ToArray();
        List<MemoryEntryRecord> rows = await db.MemoryEntries.AsNoTracking()
            .Where(e => e.WorldId == worldId && steps.Contains(e.Step)).OrderBy(e => e.Step).ToListAsync(cancellationToken);
        if (rows.Count != steps.Length)
        {
            // Rendered without them, the frames would not be the ones the world showed.
            throw new ClipRenderException($"{steps.Length - rows.Count} memories of the save at step {state.Step} are no longer stored, so its frames cannot be rendered exactly.");
        }
        List<MemoryEntry> entries;
        try
        {
            entries = rows.Select(r => new MemoryEntry(r.Step, new Pose(r.X, r.Y, r.Heading), r.Frame, frames.Decode(r.Frame), r.Landmark)).ToList();
        }
        catch (InvalidDataException ex)
        {
            throw new ClipRenderException($"The memory of the save at step {state.Step} cannot be read: {ex.Message}");
        }
        return WorldMemory.Restore(memoryPolicy.Value, frames, state.Memory, entries);
    }

    /// <summary>How the worlds of <paramref name="model"/> store memory frames, as the world's own session reads them.</summary>
    private MemoryFrameCodec MemoryFrames(LoadedModel model)
    {
        try
        {
            return model.MemoryFrames(memoryPolicy.Value);
        }
        catch (InvalidOperationException ex)
        {
            throw new ClipRenderException(ex.Message);
        }
    }
}
