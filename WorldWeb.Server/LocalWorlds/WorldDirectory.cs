using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using WorldWeb.Persistence;
using WorldWeb.Server.Stepping;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.LocalWorlds;

/// <summary>
/// The live worlds of this server: opens a world on first use (resumed by <see cref="WorldResumer"/>) within the
/// server's and the owner's limits, unloads it when nobody watches, and stops or closes it when asked.
/// </summary>
public sealed partial class WorldDirectory(
    WorldStore store,
    StepSchedulers schedulers,
    WorldResumer resumer,
    SessionSaver saver,
    ActionMasks masks,
    IOptions<WorldSessionOptions> options,
    ILogger<WorldDirectory> logger)
{
    private readonly ConcurrentDictionary<string, WorldSession> _live = new(StringComparer.Ordinal);
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
            (WorldSession session, long savedStep) = await resumer.ResumeAsync(record, cancellationToken);
            saver.SavedAt(id, savedStep);
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
                await saver.SaveIfMovedAsync(session, cancellationToken);
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
        await saver.SaveAsync(session, "autosave", SaveKind.Auto, cancellationToken);
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
        saver.Forget(id);
        masks.Forget(id);
    }

    private SemaphoreSlim GateOf(string id) => _gates[(int)((uint)StringComparer.Ordinal.GetHashCode(id) % (uint)_gates.Length)];

    [LoggerMessage(Level = LogLevel.Information, Message = "World {WorldId} unloaded at step {Step}, nobody watching")]
    private static partial void LogUnloaded(ILogger logger, string worldId, long step);
}
