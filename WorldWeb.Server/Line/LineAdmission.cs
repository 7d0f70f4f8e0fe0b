using Microsoft.AspNetCore.SignalR;
using WorldWeb.Server.Cluster;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Line;

/// <summary>The head of a line asking for its place: the world opened wherever placement finds one, within the address's limits.</summary>
public sealed class LineAdmission(LiveWorlds worlds, ClusterQuotas quotas)
{
    /// <summary>True once the world is open for the head; false while no node has a place (ask again at the next turn).</summary>
    /// <exception cref="HubException">The head may not open it: its address keeps its most worlds live, or the world cannot run.</exception>
    public async Task<bool> TryOpenAsync(string worldId, string address)
    {
        // The per-address limit on live worlds holds for a join from the line as for any open.
        if (await quotas.TryOpenAsync(address, worldId) is { } refusal)
        {
            throw new HubException(refusal);
        }
        bool opened = false;
        try
        {
            opened = await worlds.OpenAsync(worldId) is not null;
            return opened ? true : throw new HubException($"World '{worldId}' no longer exists.");
        }
        catch (WorldUnavailableException ex) when (ex.IsFull || ex.InnerException is { } inner && LiveWorlds.IsNodeFault(inner))
        {
            return false;  // full everywhere, or the owner's node is going
        }
        catch (WorldUnavailableException ex)
        {
            throw new HubException(ex.Message);
        }
        finally
        {
            if (!opened)
            {
                quotas.OpenFailed(address, worldId);
            }
        }
    }
}
