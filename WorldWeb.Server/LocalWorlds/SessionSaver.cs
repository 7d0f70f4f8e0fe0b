using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using WorldWeb.Memory;
using WorldWeb.Persistence;
using WorldWeb.Server.MemoryStorage;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.LocalWorlds;

/// <summary>
/// Saves live sessions of this server, and keeps the step each was last saved at: autosaves a world that went far
/// enough since, and saves at unload and at shutdown only the worlds that moved.
/// </summary>
public sealed partial class SessionSaver(WorldStore store, MemoryStore memoryStore, IOptions<MemoryPolicy> memoryPolicy,
    IOptions<WorldSessionOptions> options, ILogger<SessionSaver> logger)
{
    private readonly ConcurrentDictionary<string, long> _savedSteps = new(StringComparer.Ordinal);

    /// <summary>Saves the world's current state; the save is what a fork or a resume starts from.</summary>
    public async Task<SaveRecord> SaveAsync(WorldSession session, string name, SaveKind kind, CancellationToken cancellationToken)
    {
        if (session.Fault is not null)
        {
            throw new WorldUnavailableException("this world stopped on an error; open it again to resume it from its last save, then save");
        }
        WorldState state = session.Capture();
        // The save names its memory entries; they must be in the store before it is.
        await memoryStore.FlushAsync(cancellationToken);
        // Frames as tokens where memory stores them so (Memory:FrameFormat): both then need this codebook to be read.
        TokenFrameCodec? tokens = memoryPolicy.Value.FrameFormat is MemoryFrameFormat.Auto or MemoryFrameFormat.Tokens ? session.Model.Tokens : null;
        byte[] bytes = SaveCodec.Encode(state, tokens);
        long[] memorySteps = state.Memory.Entries.Select(e => e.Step).ToArray();
        SaveRecord save = await store.AddSaveAsync(session.Id, name, kind, state.Step, bytes, memorySteps, cancellationToken);
        _savedSteps[session.Id] = state.Step;
        if (kind == SaveKind.Auto)
        {
            await memoryStore.CollectAsync(session.Id, cancellationToken);
        }
        LogSaved(logger, session.Id, kind, state.Step, bytes.Length);
        return save;
    }

    /// <summary>Autosaves a live world that has gone <see cref="WorldSessionOptions.AutosaveEverySteps"/> steps since its last save.</summary>
    public async Task AutosaveIfDueAsync(WorldSession session, CancellationToken cancellationToken)
    {
        long saved = _savedSteps.GetValueOrDefault(session.Id, long.MinValue);
        if (session.Fault is not null)
        {
            return;
        }
        if (saved == long.MinValue)
        {
            _savedSteps[session.Id] = session.Step;
        }
        else if (session.Step - saved >= options.Value.AutosaveEverySteps)
        {
            await SaveAsync(session, "autosave", SaveKind.Auto, cancellationToken);
        }
    }

    /// <summary>Autosaves a world that moved since its last save.</summary>
    public async Task SaveIfMovedAsync(WorldSession session, CancellationToken cancellationToken)
    {
        // A world that failed is not saved: its last save and log are what it resumes from.
        if (session.Fault is null && _savedSteps.GetValueOrDefault(session.Id, long.MinValue) != session.Step)
        {
            await SaveAsync(session, "autosave", SaveKind.Auto, cancellationToken);
        }
    }

    /// <summary>At shutdown, after the schedulers stopped: every live world is saved where it stands.</summary>
    /// <returns>How many live worlds could not be saved (each logged).</returns>
    public async Task<int> SaveAllAsync(IEnumerable<WorldSession> live, CancellationToken cancellationToken)
    {
        int failed = 0;
        foreach (WorldSession session in live)
        {
            try
            {
                await SaveIfMovedAsync(session, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One world's failed save must not cost the others theirs; it resumes from its last save and log.
                LogSaveAtShutdownFailed(logger, ex, session.Id);
                failed++;
            }
        }
        return failed;
    }

    /// <summary>Records the step a world just resumed was last saved at.</summary>
    public void SavedAt(string worldId, long step) => _savedSteps[worldId] = step;

    /// <summary>Drops the step of a world no longer live here.</summary>
    public void Forget(string worldId) => _savedSteps.TryRemove(worldId, out _);

    [LoggerMessage(Level = LogLevel.Error, Message = "World {WorldId} could not be saved; the others are saved all the same")]
    private static partial void LogSaveAtShutdownFailed(ILogger logger, Exception exception, string worldId);

    [LoggerMessage(Level = LogLevel.Information, Message = "World {WorldId} saved ({Kind}) at step {Step}: {Bytes} bytes")]
    private static partial void LogSaved(ILogger logger, string worldId, SaveKind kind, long step, int bytes);
}
