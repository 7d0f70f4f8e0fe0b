using WorldWeb.Client.Contracts;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Cluster;

/// <summary>A world as this node reaches it: live here (<see cref="Session"/>), or owned by another node (<see cref="Owner"/>).</summary>
public sealed record OwnedWorld(IWorldGrain Grain, WorldSession? Session, WorldOpening? Owner)
{
    public bool IsHere => Session is not null;

    public long Step => Session?.Step ?? Owner!.Step;

    public int Viewers => Session?.Viewers ?? Owner!.Viewers;

    /// <summary>The frame the world shows now, from the session here or from its owner.</summary>
    public async Task<FrameMessage?> CurrentFrameAsync() =>
        Session is { } session ? session.CurrentFrame() : (await Grain.Frame())?.ToMessage();
}

/// <summary>
/// Opens worlds the cluster's way: every open goes through the world's grain, so at most one node runs a world. A
/// world live here is used directly (its grain is here too); otherwise the grain is asked, which opens the world on
/// the node Orleans places it on, perhaps this one.
/// </summary>
public sealed partial class WorldOwners(WorldDirectory directory, IGrainFactory grains, LocalNode node, ILogger<WorldOwners> logger)
{
    /// <summary>Null when no such world exists.</summary>
    /// <exception cref="WorldUnavailableException">The world cannot run, or its node is not answering (a failover under way).</exception>
    public async Task<OwnedWorld?> OpenAsync(string id)
    {
        IWorldGrain grain = grains.GetGrain<IWorldGrain>(id);
        if (directory.FindLive(id) is { IsClosed: false } live)
        {
            return new OwnedWorld(grain, live, null);
        }
        WorldOpening opening;
        try
        {
            opening = await grain.Open();
        }
        catch (Exception ex) when (IsNodeFault(ex))
        {
            LogOwnerUnreachable(logger, id, ex.GetType().Name);
            throw new WorldUnavailableException("The node running this world is not answering; it will resume on another node in a few seconds. Try again.", ex);
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
                ? new OwnedWorld(grain, session, null)
                : throw new WorldUnavailableException("The world is restarting; try again.");
        }
        return new OwnedWorld(grain, null, opening);
    }

    /// <summary>Whether a grain call failed because a node went away (not because the world said no).</summary>
    public static bool IsNodeFault(Exception ex) =>
        ex is SiloUnavailableException or TimeoutException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or Orleans.Networking.Shared.SocketConnectionException
            || ex.InnerException is { } inner && IsNodeFault(inner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "World {WorldId}: its owning node did not answer ({Fault})")]
    private static partial void LogOwnerUnreachable(ILogger logger, string worldId, string fault);
}
