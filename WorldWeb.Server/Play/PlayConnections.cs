using Microsoft.AspNetCore.SignalR;
using WorldWeb.Server.Cluster;
using WorldWeb.Server.Sharing;

namespace WorldWeb.Server.Play;

/// <summary>
/// What a hub connection takes while it is open, so that closing it gives all of it back: a place in the address's
/// connection quota, its account followed, its link grants, the public worlds it watches and its hold on each world it joined.
/// </summary>
public sealed class PlayConnections(ClusterQuotas quotas, AccountConnections accounts, LinkGrants grants, PublicWatches publicWatches, LiveWorlds worlds)
{
    private const string RefusedKey = "worldweb.refused";

    public async Task ConnectedAsync(HubCallerContext context, string address)
    {
        if (await quotas.TryConnectAsync(address) is { } refusal)
        {
            context.Items[RefusedKey] = true;
            throw new HubException(refusal);
        }
        accounts.Connected(context);
    }

    public void Disconnected(HubCallerContext context, string address)
    {
        if (!context.Items.ContainsKey(RefusedKey))
        {
            quotas.Disconnected(address);
        }
        grants.Disconnected(context.ConnectionId);
        publicWatches.Disconnected(context.ConnectionId);
        accounts.Disconnected(context.ConnectionId);
        foreach (string worldId in JoinedWorlds.Of(context).Keys)
        {
            worlds.Release(worldId, context.ConnectionId);
        }
    }
}
