using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.Cluster;
using WorldWeb.Server.Line;

namespace WorldWeb.Server.Play;

/// <summary>
/// How a connection gets into a world: checked first, then at once when nobody waits ahead of it and the address
/// may open another world, else through a place in line; the world opened is recorded with the right it was joined by.
/// </summary>
public sealed partial class WorldJoins(JoinChecks checks, JoinLine line, ClusterQuotas quotas, LiveWorlds worlds, JoinedRights rights,
    ILogger<WorldHub> logger)
{
    public async Task<WorldInfo> JoinAsync(HubCallerContext context, IGroupManager groups, string address, string worldRef)
    {
        JoinableWorld joinable = await checks.CheckAsync(context, address, worldRef);
        (WorldRecord world, string role, _, var model, _) = joinable;
        // A world that must be opened while others wait for a place goes to the back of the line, not ahead of them.
        if (await line.WaitingAheadAsync(world.Id, model.Name) is { } waitInLine)
        {
            throw new HubException(waitInLine);
        }
        // A join opens the world, which then stays live until idle: it counts among the address's worlds like any open.
        if (await quotas.TryOpenAsync(address, world.Id) is { } tooMany)
        {
            throw new HubException(tooMany);
        }
        // Opening the world also holds its action mask (WorldResumer sets it at resume, the mask API when it changes).
        OpenedWorld opened;
        try
        {
            opened = await worlds.OpenForPlayAsync(world.Id);
        }
        catch
        {
            quotas.OpenFailed(address, world.Id);
            throw;
        }
        long step = opened.Step;
        await rights.RecordAsync(context, joinable, step);
        await groups.AddToGroupAsync(context.ConnectionId, WorldHub.GroupOf(world.Id));
        LogJoined(logger, context.ConnectionId, world.Id, role);
        var frame = model.Manifest.Frame;
        return new WorldInfo(world.Id, world.Title, model.Name, frame.Width, frame.Height, model.Manifest.Fps, model.Actions, role, step);
    }

    /// <summary>The caller's place in line for the world as it changes, until an item admits it or the caller leaves.</summary>
    public async Task<ChannelReader<LinePlace>> WaitInLineAsync(HubCallerContext context, string address, string worldRef, CancellationToken cancellationToken)
    {
        JoinableWorld joinable = await checks.CheckAsync(context, address, worldRef);
        string model = joinable.Model.Name;
        // Only the latest place matters to a client that reads slowly; the item that admits it is the last one written.
        var places = Channel.CreateBounded<LinePlace>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.ConnectionAborted);
        _ = line.WaitAsync(places.Writer, joinable.World.Id, model, address, waiting.Token).ContinueWith(_ => waiting.Dispose(), TaskScheduler.Default);
        return places.Reader;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} joined world {WorldId} as {Role}")]
    private static partial void LogJoined(ILogger logger, string connectionId, string worldId, string role);
}
