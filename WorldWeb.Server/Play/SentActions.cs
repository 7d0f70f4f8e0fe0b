using Microsoft.AspNetCore.SignalR;
using WorldWeb.Server.Cluster;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

/// <summary>
/// A joined connection's actions, sent to the world wherever it runs with who sends them; the held one is kept
/// (<see cref="HeldActions"/>) so that a relay can send it again after a failover.
/// </summary>
public sealed class SentActions(JoinedRights rights, LiveWorlds worlds)
{
    public async Task SendAsync(HubCallerContext context, string worldId, int action, long seq)
    {
        JoinedWorld joined = rights.Of(context, worldId);
        // Who calls, not what they may do: the world's node decides that from the database, wherever the world runs.
        var caller = new WorldCaller(context.User.UserId(), joined.LinkId);
        if (await worlds.ActAsync(worldId, caller, action, seq, context.ConnectionId) is { } refused)
        {
            throw new HubException(refused);
        }
        // Sent again after a failover is the key still held; a press was applied once (or is lost with an unlogged step).
        if (!joined.IsPress(action))
        {
            HeldActions.Of(context)[worldId] = new HeldAction(action, seq, caller);
        }
    }
}
