using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using WorldWeb.Client.Contracts;
using WorldWeb.Inference.Poses;
using WorldWeb.Memory;
using WorldWeb.Persistence;
using WorldWeb.Server.ActionLog;
using WorldWeb.Server.Coherence;
using WorldWeb.Server.Frames;
using WorldWeb.Server.MemoryStorage;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Saves;
using WorldWeb.Server.Stepping;

namespace WorldWeb.Server.Worlds;

/// <summary>
/// The live worlds of this server: opens a world on first use (its last save plus a replay of the logged
/// actions after it), saves and unloads it when nobody watches, and saves them all at shutdown.
/// </summary>
public sealed partial class WorldDirectory(
    WorldStore store,
    ModelCatalog catalog,
    StepSchedulers schedulers,
    WorldReplayer replayer,
    WorldActionLog actionLog,
    ActionMasks masks,
    FrameEncoder encoder,
    MemoryStore memoryStore,
    IOptions<MemoryPolicy> memoryPolicy,
    IOptions<CoherenceOptions> coherence,
    IOptions<WorldSessionOptions> options,
    TimeProvider clock,
    ILogger<WorldDirectory> logger)
{
    private readonly ConcurrentDictionary<string, WorldSession> _live = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _savedSteps = new(StringComparer.Ordinal);
    // The owner of each live world, for the per-owner quota.
    private readonly ConcurrentDictionary<string, string> _owners = new(StringComparer.Ordinal);
    // A gate per world, striped: loading (which replays) or unloading one world holds up another only when their
    // ids share a stripe (1 in 1024), and the gates do not grow with every world ever opened.
    private readonly SemaphoreSlim[] _gates = [.. Enumerable.Range(0, 1024).Select(_ => new SemaphoreSlim(1, 1))];

    public IReadOnlyCollection<WorldSession> Live => (IReadOnlyCollection<WorldSession>)_live.Values;

    public WorldSession? FindLive(string id) => _live.GetValueOrDefault(id);

    /// <summary>The most worlds this server keeps live at once (<see cref="WorldSessionOptions.MaxLiveWorlds"/>).</summary>
    public int MaxLive => options.Value.MaxLiveWorlds;

    /// <summary>The live session of a world, resuming it first when needed; null when no such world exists.</summary>
    /// <param name="liveElsewhere">The world ids live on the cluster's other nodes, which count toward the owner's quota.</param>
    /// <exception cref="WorldUnavailableException">The world exists but cannot run here.</exception>
    public async Task<WorldSession?> OpenAsync(string id, CancellationToken cancellationToken, IReadOnlyCollection<string>? liveElsewhere = null)
    {
        // A closing session is still listed until its save is written; the gate waits for that.
        if (_live.TryGetValue(id, out WorldSession? live) && !live.IsClosed)
        {
            return live;
        }
        SemaphoreSlim gate = GateOf(id);
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (_live.TryGetValue(id, out live) && !live.IsClosed)
            {
                return live;
            }
            WorldRecord? record = await store.FindAsync(id, cancellationToken);
            if (record is null)
            {
                return null;
            }
            if (_live.Count >= options.Value.MaxLiveWorlds)
            {
                throw new WorldUnavailableException($"this server already runs {_live.Count} worlds, its limit; try again later") { IsFull = true };
            }
            int owned = _owners.Values.Count(owner => owner == record.OwnerId)
                + (liveElsewhere is null ? 0 : await store.CountOwnedAmongAsync(record.OwnerId, liveElsewhere, cancellationToken));
            if (owned >= options.Value.MaxLiveWorldsPerOwner)
            {
                throw new WorldUnavailableException(
                    $"the owner of this world already has {owned} live worlds, the most one visitor may have at once; try again when one of them stops");
            }
            WorldSession session = await ResumeAsync(record, cancellationToken);
            if (schedulers.Find(session.ModelName) is not { } scheduler || scheduler.Model != session.Model || !scheduler.TryAdd(session))
            {
                // The model was unloaded (and perhaps loaded again) while this world resumed.
                throw new WorldUnavailableException($"the model '{session.ModelName}' of this world is not loaded on this server");
            }
            _live[id] = session;
            _owners[id] = record.OwnerId;
            return session;
        }
        finally
        {
            gate.Release();
        }
    }

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

    /// <summary>Saves and unloads a world nobody has watched since <paramref name="idleBefore"/>.</summary>
    public async Task<bool> TryUnloadIdleAsync(WorldSession session, DateTimeOffset idleBefore, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate = GateOf(session.Id);
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (!session.TryCloseIfIdle(idleBefore))
            {
                return false;
            }
            await schedulers.For(session.ModelName).RemoveAsync(session);
            try
            {
                // A world that failed is not saved: its last save and log are what it resumes from.
                if (session.Fault is null && _savedSteps.GetValueOrDefault(session.Id, long.MinValue) != session.Step)
                {
                    await SaveAsync(session, "autosave", SaveKind.Auto, cancellationToken);
                }
            }
            finally
            {
                // Listed as live until saved, so whoever sees it gone finds its save. A session that failed may have
                // been replaced already (its world opened again): the successor's entries stay.
                if (_live.TryRemove(KeyValuePair.Create(session.Id, session)))
                {
                    Forget(session.Id);
                }
            }
            LogUnloaded(logger, session.Id, session.Step);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The owner of a live world; null when it is not live.</summary>
    public string? OwnerOf(string id) => _owners.GetValueOrDefault(id);

    /// <summary>Saves a live world and unloads it; its streams end with <paramref name="reason"/>. False when it was not live.</summary>
    public async Task<bool> StopAsync(string id, string reason, CancellationToken cancellationToken)
    {
        if (FindLive(id) is not { } session)
        {
            return false;
        }
        await SaveAsync(session, "autosave", SaveKind.Auto, cancellationToken);
        await CloseAsync(id, reason);
        return true;
    }

    /// <summary>Stops a world for good (it is being deleted): its streams end with <paramref name="reason"/>.</summary>
    public async Task CloseAsync(string id, string reason)
    {
        SemaphoreSlim gate = GateOf(id);
        await gate.WaitAsync();
        try
        {
            if (_live.TryRemove(id, out WorldSession? session))
            {
                session.Close(new Microsoft.AspNetCore.SignalR.HubException(reason));
                await schedulers.For(session.ModelName).RemoveAsync(session);
                Forget(id);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Drops what this server keeps about a world while it is live.</summary>
    private void Forget(string id)
    {
        _owners.TryRemove(id, out _);
        _savedSteps.TryRemove(id, out _);
        masks.Forget(id);
    }

    /// <summary>At shutdown, after the schedulers stopped: every live world is saved where it stands.</summary>
    /// <returns>How many live worlds could not be saved (each logged).</returns>
    public async Task<int> SaveAllAsync(CancellationToken cancellationToken)
    {
        int failed = 0;
        foreach (WorldSession session in _live.Values)
        {
            if (session.Fault is null && _savedSteps.GetValueOrDefault(session.Id, long.MinValue) != session.Step)
            {
                try
                {
                    await SaveAsync(session, "autosave", SaveKind.Auto, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One world's failed save must not cost the others theirs; it resumes from its last save and log.
                    LogSaveAtShutdownFailed(logger, ex, session.Id);
                    failed++;
                }
            }
        }
        return failed;
    }

    private SemaphoreSlim GateOf(string id) => _gates[(int)((uint)StringComparer.Ordinal.GetHashCode(id) % (uint)_gates.Length)];

    /// <summary>The state a new world starts from: start state seed mod N of its model, at pose (0, 0, 0).</summary>
    public static WorldState Genesis(LoadedModel model, long seed)
    {
        int frameBytes = model.Manifest.Frame.ValueCount;
        ReadOnlySpan<byte> start = model.Package.Start((int)((ulong)seed % (ulong)model.Package.StartCount));
        var frames = new byte[model.Manifest.ContextFrames][];
        for (int k = 0; k < frames.Length; k++)
        {
            frames[k] = start.Slice(k * frameBytes, frameBytes).ToArray();
        }
        return new WorldState(0, new Pose(0, 0, 0), frames, MemorySnapshot.Empty);
    }

    private async Task<WorldSession> ResumeAsync(WorldRecord record, CancellationToken cancellationToken)
    {
        LoadedModel model = catalog.Find(record.Model)
            ?? throw new WorldUnavailableException($"the model '{record.Model}' of this world is not loaded on this server");
        SaveRecord? save = await store.LatestSaveAsync(record.Id, cancellationToken);
        WorldState state;
        try
        {
            state = save is null ? Genesis(model, record.Seed) : SaveCodec.Decode(save.State, model.Tokens);
        }
        catch (InvalidDataException ex)
        {
            throw new WorldUnavailableException($"the save {save!.Id} of this world cannot be read", ex);
        }
        var frame = model.Manifest.Frame;
        if (state.Context.Count != model.Manifest.ContextFrames || state.Context.Any(f => f.Length != frame.ValueCount))
        {
            throw new WorldUnavailableException($"this world's save holds {state.Context.Count} frames of {state.Context[0].Length} bytes, " +
                $"but the model '{model.Name}' now loaded takes {model.Manifest.ContextFrames} of {frame.ValueCount}: the save was made by another model of that name");
        }
        // Steps of this world still queued here (a session that failed a moment ago) belong to the timeline it resumes.
        await actionLog.FlushAsync(cancellationToken);
        byte[] actions = await store.ActionsAfterAsync(record.Id, state.Step, cancellationToken);
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
        var session = new WorldSession(record.Id, (ulong)record.Seed, model, state, memory, clock, coherence.Value, logger);
        masks.Set(record.Id, record.DisabledActions);
        await replayer.ReplayAsync(session, actions, cancellationToken);
        // Logged steps beyond a gap belong to a timeline that was abandoned; the world goes on from here, so they go.
        int abandoned = await store.DropActionsAfterAsync(record.Id, session.Step, cancellationToken);
        if (abandoned > 0)
        {
            LogAbandoned(logger, record.Id, abandoned, session.Step);
        }
        byte[] current = session.Capture().CurrentFrame;
        session.Publish(new FrameMessage(session.Step, 0, encoder.ContentType, encoder.Encode(current, frame.Width, frame.Height), clock.GetUtcNow().ToUnixTimeMilliseconds()));
        // A world without a save resumes from its genesis, which is as good as a save at step 0.
        _savedSteps[record.Id] = save?.Step ?? 0;
        LogResumed(logger, record.Id, save?.Step ?? 0, actions.Length, session.Step);
        return session;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "World {WorldId} resumed from step {SaveStep} plus {Replayed} logged actions, at step {Step}")]
    private static partial void LogResumed(ILogger logger, string worldId, long saveStep, int replayed, long step);

    [LoggerMessage(Level = LogLevel.Warning, Message = "World {WorldId}: dropped {Chunks} logged action chunks beyond a gap after step {Step} (an abandoned timeline)")]
    private static partial void LogAbandoned(ILogger logger, string worldId, int chunks, long step);

    [LoggerMessage(Level = LogLevel.Error, Message = "World {WorldId} could not be saved; the others are saved all the same")]
    private static partial void LogSaveAtShutdownFailed(ILogger logger, Exception exception, string worldId);

    [LoggerMessage(Level = LogLevel.Information, Message = "World {WorldId} saved ({Kind}) at step {Step}: {Bytes} bytes")]
    private static partial void LogSaved(ILogger logger, string worldId, SaveKind kind, long step, int bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "World {WorldId} unloaded at step {Step}, nobody watching")]
    private static partial void LogUnloaded(ILogger logger, string worldId, long step);
}
