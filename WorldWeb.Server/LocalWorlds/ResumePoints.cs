using Microsoft.Extensions.Options;
using WorldWeb.Memory;
using WorldWeb.Persistence;
using WorldWeb.Server.ActionLog;
using WorldWeb.Server.MemoryStorage;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.LocalWorlds;

/// <summary>
/// What a world resumes from: the model it runs here, its last save (null for a world never saved), the state that
/// save holds (its genesis without one), the actions logged after it and the memory it held (null when memory is off).
/// </summary>
public sealed record ResumePoint(LoadedModel Model, SaveRecord? Save, WorldState State, byte[] Actions, WorldMemory? Memory);

/// <summary>Reads from the database what a world that is not live resumes from, and checks that the model loaded here can run it.</summary>
public sealed class ResumePoints(WorldStore store, ModelCatalog catalog, WorldActionLog actionLog, MemoryStore memoryStore, IOptions<MemoryPolicy> memoryPolicy)
{
    /// <exception cref="WorldUnavailableException">The world cannot run here: its model is not loaded, or its save or memory cannot be read by it.</exception>
    public async Task<ResumePoint> ReadAsync(WorldRecord record, CancellationToken cancellationToken)
    {
        LoadedModel model = catalog.Find(record.Model)
            ?? throw new WorldUnavailableException($"the model '{record.Model}' of this world is not loaded on this server");
        SaveRecord? save = await store.LatestSaveAsync(record.Id, cancellationToken);
        WorldState state;
        try
        {
            state = save is null ? WorldGenesis.Of(model, record.Seed) : SaveCodec.Decode(save.State, model);
        }
        catch (InvalidDataException ex)
        {
            throw new WorldUnavailableException($"the save {save!.Id} of this world cannot be read ({ex.Message})", ex);
        }
        // Steps of this world still queued here (a session that failed a moment ago) belong to the timeline it resumes.
        await actionLog.FlushAsync(cancellationToken);
        byte[] actions = await store.ActionsAfterAsync(record.Id, state.Step, cancellationToken);
        if (model.IndexOfUnknownAction(actions) is var at and >= 0)
        {
            throw new WorldUnavailableException($"this world's log holds action {actions[at]} at step {state.Step + 1 + at}, but the model " +
                $"'{model.Name}' now loaded has {model.Actions.Count} actions: the log was made by another model of that name");
        }
        // Entries written after the save are dropped from the store even when memory is off, so nothing stale remains.
        MemoryFrameCodec frames = MemoryFrames(model);
        List<MemoryEntry> entries;
        try
        {
            entries = await memoryStore.LoadAsync(record.Id, state.Step, state.Memory, frames, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw new WorldUnavailableException($"the memory of this world cannot be read by the model '{model.Name}' now loaded: {ex.Message}", ex);
        }
        WorldMemory? memory = record.MemoryEnabled
            ? WorldMemory.Restore(memoryPolicy.Value, frames, state.Memory, entries, memoryStore.JournalFor(record.Id))
            : null;
        return new ResumePoint(model, save, state, actions, memory);
    }

    /// <summary>How the worlds of <paramref name="model"/> store memory frames (Memory:FrameFormat).</summary>
    private MemoryFrameCodec MemoryFrames(LoadedModel model)
    {
        try
        {
            return model.MemoryFrames(memoryPolicy.Value);
        }
        catch (InvalidOperationException ex)
        {
            throw new WorldUnavailableException(ex.Message, ex);
        }
    }
}
