using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;
using WorldWeb.Persistence;
using WorldWeb.Server.Cluster;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Sharing;

namespace WorldWeb.Server.Play;

/// <summary>
/// What every join and every place in line checks before anything opens, so nobody waits to be refused: a
/// well-formed reference, an account in good standing, the address's join rate, the caller's right to the world and
/// its model loaded here.
/// </summary>
public sealed class JoinChecks(AccountConnections accounts, ClusterQuotas quotas, WorldRefs worldRefs, ModelCatalog catalog)
{
    private const int MaxRefLength = WorldRefs.MaxLength;

    public async Task<JoinableWorld> CheckAsync(HubCallerContext context, string address, string worldRef)
    {
        if (string.IsNullOrWhiteSpace(worldRef) || worldRef.Length > MaxRefLength)
        {
            throw new HubException("worldRef must be a world id or a share-link token.");
        }
        if (accounts.Refusal(context.ConnectionId) is { } ended)
        {
            throw new HubException(ended);
        }
        if (quotas.TryJoin(address) is { } tooFast)
        {
            throw new HubException(tooFast);
        }
        ClaimsPrincipal user = accounts.UserOf(context);
        (ResolvedWorld? resolved, _, string refusal) = await worldRefs.ResolveAsync(worldRef.Trim(), user, context.ConnectionAborted);
        if (resolved is null)
        {
            throw new HubException(refusal);
        }
        LoadedModel model = catalog.Find(resolved.World.Model)
            ?? throw new HubException($"The model '{resolved.World.Model}' of this world is not loaded on this server.");
        return new JoinableWorld(resolved.World, resolved.Role, resolved.Link, model, user);
    }
}

/// <param name="User">The caller as the database says it is now (<see cref="AccountConnections.UserOf"/>).</param>
public sealed record JoinableWorld(WorldRecord World, string Role, ShareLinkRecord? Link, LoadedModel Model, ClaimsPrincipal User);
