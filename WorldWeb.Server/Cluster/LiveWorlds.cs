using Microsoft.EntityFrameworkCore;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.LocalWorlds;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Cluster;

/// <summary>A world opened for a caller: live on this node (<see cref="Session"/>), or on another one (<see cref="Remote"/>, what its node said when it opened it).</summary>
public sealed record OpenedWorld(IWorldGrain Grain, WorldSession? Session, WorldOpening? Remote)
{
    public long Step => Session?.Step ?? Remote!.Step;

    public int Viewers => Session?.Viewers ?? Remote!.Viewers;
}

/// <summary>
/// The one path to a live world, wherever in the cluster it runs: open, act, release, watch, save, stop, close, mask
/// and glimpse. A world live here is used directly (its grain is here too); one live on another node is reached
/// through its grain, which opens it on the node Orleans places it on when it must. Which of the two is this class's
/// business: hubs and endpoints call it the same way for both.
/// </summary>
public sealed partial class LiveWorlds(
    WorldDirectory directory, WorldControls controls, IGrainFactory grains, LocalNode node, NodeReports nodes, PlayerActions actions, CallerRights rights,
    IDbContextFactory<WorldWebDbContext> contexts, ILogger<LiveWorlds> logger)
{
    /// <summary>How long a glimpse waits for another node by default; a slower node's world is skipped (the lobby asks again in half a second).</summary>
    public static readonly TimeSpan GlimpsePatience = TimeSpan.FromSeconds(1);

    /// <summary>What a caller hears when the node running a world went away mid-call.</summary>
    public const string NodeGone = "The node running this world is not answering; it will resume on another node in a few seconds.";

    /// <summary>Opens the world where it runs or where placement puts it; null when no such world exists.</summary>
    /// <exception cref="WorldUnavailableException">The world cannot run, or its node is not answering (a failover under way).</exception>
    public async Task<OpenedWorld?> OpenAsync(string id)
    {
        IWorldGrain grain = grains.GetGrain<IWorldGrain>(id);
        if (directory.FindLive(id) is { IsClosed: false } live)
        {
            return new OpenedWorld(grain, live, null);
        }
        WorldOpening opening;
        try
        {
            opening = await grain.Open();
        }
        catch (Exception ex) when (IsNodeFault(ex))
        {
            LogNodeUnreachable(logger, id, ex.GetType().Name);
            throw new WorldUnavailableException($"{NodeGone} Try again.", ex);
        }
        if (opening.Refusal is not null)
        {
            throw new WorldUnavailableException(opening.Refusal) { IsFull = opening.Full };
        }
        if (!opening.Found)
        {
            return null;
        }
        if (opening.Node == node.Address)
        {
            return directory.FindLive(id) is { } session
                ? new OpenedWorld(grain, session, null)
                : throw new WorldUnavailableException(Restarting);
        }
        return new OpenedWorld(grain, null, opening);
    }

    /// <summary>What a caller hears when the world it opened went away under it, to open it again.</summary>
    public const string Restarting = "The world is restarting; try again.";

    /// <summary>Whether the world is live here, or on another node as the nodes last reported (which lags a second or two).</summary>
    public bool RunsNow(string id) => directory.FindLive(id) is { IsClosed: false } || nodes.RunsElsewhere(id);

    /// <summary>The frame the world shows now.</summary>
    public async Task<FrameMessage?> CurrentFrameAsync(OpenedWorld world) =>
        world.Session is { } session ? session.CurrentFrame() : (await world.Grain.Frame())?.ToMessage();

    /// <summary>
    /// A viewer of the opened world for <paramref name="caller"/> and how to stop it: the session's own, or frames relayed
    /// from the node that runs it. That node decides whether the caller may watch (<see cref="CallerRights.WatchRefusalAsync"/>),
    /// here or in the grain, and again whenever a relay watches anew after a failover.
    /// <paramref name="resend"/> is what a relay sends after a failover, when the world resumes holding no key.
    /// </summary>
    /// <exception cref="CallerRefusedException">The caller may not watch the world.</exception>
    /// <exception cref="WorldUnavailableException">The world restarted under the caller, or its node is not answering.</exception>
    public async Task<(FrameViewer Viewer, Action Stop)> WatchAsync(OpenedWorld world, WorldCaller caller, Func<IWorldGrain, Task<string?>> resend)
    {
        if (world.Session is { } session)
        {
            if (await rights.WatchRefusalAsync(session.Id, caller) is { } refused)
            {
                throw new CallerRefusedException(refused);
            }
            // The session may have been unloaded since it was opened; then the viewer goes to the reopened one, and
            // must later be removed from that one, or it stays behind as a ghost that keeps the world stepping.
            WorldSession watched = session;
            FrameViewer? viewer = session.AddViewer();
            if (viewer is null && (await OpenAsync(session.Id))?.Session is { } reopened)
            {
                watched = reopened;
                viewer = reopened.AddViewer();
            }
            return viewer is null
                ? throw new WorldUnavailableException(Restarting)
                : (viewer, () => watched.RemoveViewer(viewer));
        }
        try
        {
            IWorldGrain grain = world.Grain;
            WorldRelay relay = await WorldRelay.StartAsync(grains, grain, caller, logger, () => resend(grain));
            return (relay.Viewer, () => _ = relay.DisposeAsync().AsTask());
        }
        catch (Exception ex) when (IsNodeFault(ex))
        {
            throw new WorldUnavailableException("The node running this world is not answering; try again in a few seconds.", ex);
        }
    }

    /// <summary>
    /// Takes a player's action (<see cref="PlayerActions"/> decides the caller's rights and checks the action on the node
    /// that runs the world); the refusal, or null. A world not live here is reached through its grain, which opens it if it must.
    /// </summary>
    public async Task<string?> ActAsync(string worldId, WorldCaller caller, int action, long seq, string actor)
    {
        if (directory.FindLive(worldId) is { IsClosed: false } session)
        {
            return await actions.SubmitAsync(session, caller, action, seq, actor);
        }
        try
        {
            return await grains.GetGrain<IWorldGrain>(worldId).Act(caller, action, seq, actor);
        }
        catch (Exception ex) when (IsNodeFault(ex))
        {
            return NodeGone;
        }
    }

    /// <summary>Lets go of the keys <paramref name="actor"/> holds in the world, wherever it runs; does not wait for another node.</summary>
    public void Release(string worldId, string actor)
    {
        if (directory.FindLive(worldId) is { } live)
        {
            live.ReleaseActions(actor);
        }
        else if (nodes.RunsElsewhere(worldId))
        {
            _ = ReleaseElsewhereAsync(worldId, actor);
        }
    }

    /// <summary>
    /// Saves the opened world at its current step on the node that runs it, which decides whether the caller may
    /// (<see cref="WorldControls"/>); null when the save was not made.
    /// </summary>
    /// <exception cref="CallerRefusedException">The caller neither owns the world nor is an admin.</exception>
    /// <exception cref="WorldUnavailableException">The world stopped on an error.</exception>
    public async Task<SaveRecord?> SaveAsync(OpenedWorld world, WorldCaller caller, string name, SaveKind kind, CancellationToken cancellationToken)
    {
        if (world.Session is { } session)
        {
            return await controls.SaveAsync(session, caller, name, kind, cancellationToken);
        }
        (Guid? saveId, WorldRefusal? refusal) = await world.Grain.Save(caller, name, (int)kind);
        if (refusal is not null)
        {
            throw refusal.ToException();
        }
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return saveId is null ? null : await db.Saves.AsNoTracking().SingleAsync(s => s.Id == saveId, cancellationToken);
    }

    /// <summary>Stops the world (saved and unloaded) wherever it runs, if the caller may; false when it was not live.</summary>
    /// <exception cref="CallerRefusedException">The caller neither owns the world nor is an admin.</exception>
    public async Task<bool> StopAsync(string id, WorldCaller caller, string reason, CancellationToken cancellationToken)
    {
        if (!nodes.RunsElsewhere(id))
        {
            return await controls.StopAsync(id, caller, reason, cancellationToken);
        }
        (bool ended, WorldRefusal? refusal) = await grains.GetGrain<IWorldGrain>(id).End(caller, reason, delete: false);
        return refusal is null ? ended : throw refusal.ToException();
    }

    /// <summary>Closes the world without saving it, wherever it runs, before it is deleted, if the caller may.</summary>
    /// <exception cref="CallerRefusedException">The caller neither owns the world nor is an admin.</exception>
    public async Task CloseForDeletionAsync(string id, WorldCaller caller, string reason)
    {
        if (!nodes.RunsElsewhere(id))
        {
            await controls.CloseForDeletionAsync(id, caller, reason);
        }
        else if ((await grains.GetGrain<IWorldGrain>(id).End(caller, reason, delete: true)).Refusal is { } refusal)
        {
            throw refusal.ToException();
        }
    }

    /// <summary>Hands a changed action mask to the node that runs the world, which holds the mask it checks if the caller may change it.</summary>
    /// <exception cref="CallerRefusedException">The caller neither owns the world nor is an admin.</exception>
    public async Task SetActionMaskAsync(string id, WorldCaller caller, int[] disabled)
    {
        if (!nodes.RunsElsewhere(id))
        {
            await controls.SetActionMaskAsync(id, caller, disabled);
        }
        else if (await grains.GetGrain<IWorldGrain>(id).SetActionMask(caller, disabled) is { } refusal)
        {
            throw refusal.ToException();
        }
    }

    /// <summary>
    /// The world's step, viewers and current frame, never opening it: null when it is not live, or when its node does not
    /// answer within <paramref name="patience"/> (<see cref="GlimpsePatience"/> unless said). <paramref name="trustReports"/>
    /// false asks the grain even when the nodes' reports (a second or two behind) say nothing runs it.
    /// </summary>
    public async Task<WorldGlimpse?> GlimpseAsync(string id, TimeSpan? patience = null, bool trustReports = true)
    {
        if (directory.FindLive(id) is { IsClosed: false } session)
        {
            return WorldGlimpse.Of(session);
        }
        if (trustReports && !nodes.RunsElsewhere(id))
        {
            return null;
        }
        try
        {
            return await grains.GetGrain<IWorldGrain>(id).Glimpse().WaitAsync(patience ?? GlimpsePatience);
        }
        catch (Exception ex) when (IsNodeFault(ex))
        {
            LogNoGlimpse(logger, id, ex.GetType().Name);
            return null;
        }
    }

    /// <summary>Whether a grain call failed because a node went away (not because the world said no).</summary>
    public static bool IsNodeFault(Exception ex) =>
        ex is SiloUnavailableException or TimeoutException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or Orleans.Networking.Shared.SocketConnectionException
            || ex.InnerException is { } inner && IsNodeFault(inner);

    private async Task ReleaseElsewhereAsync(string worldId, string actor)
    {
        try
        {
            await grains.GetGrain<IWorldGrain>(worldId).Release(actor);
        }
        catch (Exception ex) when (IsNodeFault(ex))
        {
            // The node is gone; the world resumes elsewhere with no action held.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "World {WorldId}: the node running it did not answer ({Fault})")]
    private static partial void LogNodeUnreachable(ILogger logger, string worldId, string fault);

    [LoggerMessage(Level = LogLevel.Debug, Message = "World {WorldId}: its node did not answer a glimpse ({Fault})")]
    private static partial void LogNoGlimpse(ILogger logger, string worldId, string fault);
}
