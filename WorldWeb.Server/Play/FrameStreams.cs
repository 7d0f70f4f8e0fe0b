using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Cluster;
using WorldWeb.Server.Safety;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

/// <summary>
/// Opens a connection's <c>Frames</c> stream of a world it joined within the limits (viewers per world, streams per
/// connection, the address's watch quota), and holds what the stream takes until it ends (<see cref="StreamHold"/>).
/// </summary>
public sealed class FrameStreams(JoinedRights rights, LiveWorlds worlds, ClusterQuotas quotas, IOptions<SafetyOptions> safety)
{
    private static ConcurrentDictionary<string, int> StreamsOf(HubCallerContext context) => ConnectionMaps.Of<int>(context, "worldweb.streams");

    /// <summary>The world's frames from its current one on, until the caller cancels or leaves.</summary>
    public async Task<ChannelReader<FrameMessage>> OpenAsync(HubCallerContext context, string address, string worldId, CancellationToken cancellationToken)
    {
        string role = rights.Of(context, worldId).Role;
        OpenedWorld opened = await worlds.OpenForPlayAsync(worldId);
        SafetyOptions limits = safety.Value;
        if (opened.Viewers >= limits.MaxViewersPerWorld && role != WorldRoles.Owner)
        {
            throw new HubException($"This world already has {limits.MaxViewersPerWorld} viewers, its limit; try again later.");
        }
        ConcurrentDictionary<string, int> streams = StreamsOf(context);
        if (streams.AddOrUpdate(worldId, 1, (_, n) => n + 1) > limits.MaxStreamsPerConnectionPerWorld)
        {
            streams.AddOrUpdate(worldId, 0, (_, n) => n - 1);
            throw new HubException($"This connection already streams this world {limits.MaxStreamsPerConnectionPerWorld} times, its limit.");
        }
        if (await quotas.TryWatchAsync(address, worldId) is { } refusal)
        {
            streams.AddOrUpdate(worldId, 0, (_, n) => n - 1);
            throw new HubException(refusal);
        }
        var hold = new StreamHold();
        hold.Take(() =>
        {
            quotas.Unwatch(address, worldId);
            streams.AddOrUpdate(worldId, 0, (_, n) => n - 1);
        });
        try
        {
            (FrameViewer viewer, Action stopWatching) = await WatchAsync(context, opened, worldId);
            hold.Take(stopWatching);
            rights.Tie(hold, context.ConnectionId, worldId, viewer);
            hold.Until(viewer, cancellationToken, context.ConnectionAborted);
            return viewer.Reader;
        }
        catch
        {
            hold.Release();
            throw;
        }
    }

    /// <summary>A viewer of the world, wherever it runs, and how to stop it.</summary>
    private async Task<(FrameViewer Viewer, Action Stop)> WatchAsync(HubCallerContext context, OpenedWorld opened, string worldId)
    {
        // Who watches, not what they may: the node that runs the world decides that from the database.
        var caller = new WorldCaller(context.User.UserId(), rights.Of(context, worldId).LinkId);
        // After a failover the world resumes holding no key: a relay sends this connection's last action again.
        ConcurrentDictionary<string, HeldAction> held = HeldActions.Of(context);
        string actor = context.ConnectionId;
        try
        {
            return await worlds.WatchAsync(opened, caller, grain =>
                held.TryGetValue(worldId, out HeldAction? last) ? grain.Act(last.Caller, last.Action, last.Seq, actor) : Task.FromResult<string?>(null));
        }
        catch (Exception ex) when (ex is WorldUnavailableException or CallerRefusedException)
        {
            throw new HubException(ex.Message);
        }
    }
}
