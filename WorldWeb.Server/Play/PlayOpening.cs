using Microsoft.AspNetCore.SignalR;
using WorldWeb.Server.Cluster;
using WorldWeb.Server.Line;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

/// <summary>Opening a world for a hub call, so that a world gone or without a place anywhere is a refusal in the caller's words.</summary>
internal static class PlayOpening
{
    public static async Task<OpenedWorld> OpenForPlayAsync(this LiveWorlds worlds, string worldId)
    {
        try
        {
            return await worlds.OpenAsync(worldId) ?? throw new HubException($"World '{worldId}' no longer exists.");
        }
        catch (WorldUnavailableException ex) when (ex.IsFull)
        {
            throw new HubException(JoinLine.Full("no node has a place for another world now"));
        }
        catch (WorldUnavailableException ex)
        {
            throw new HubException(ex.Message);
        }
    }
}
