using Microsoft.AspNetCore.SignalR;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Clips;
using WorldWeb.Server.Sharing;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

/// <summary>
/// By what right a connection is in each world it joined: recorded at the join, checked again (its account, the link
/// it joined through) on every stream and action, and tied to each stream so that losing the right ends it.
/// </summary>
public sealed class JoinedRights(WorldVisits visits, LinkGrants grants, PublicWatches publicWatches, AccountConnections accounts)
{
    /// <summary>The connection joined <paramref name="joinable"/>'s world, which it may watch from <paramref name="step"/> on.</summary>
    public async Task RecordAsync(HubCallerContext context, JoinableWorld joinable, long step)
    {
        (var world, string role, var link, var model, var user) = joinable;
        if (role != WorldRoles.Owner)
        {
            // From this step on the caller could watch the world, so may clip it.
            await visits.JoinedAsync(world.Id, context.User.UserId(), step, context.ConnectionAborted);
        }
        Guid? joinedBy = role != WorldRoles.Owner ? link?.Id : null;
        JoinedWorlds.Of(context)[world.Id] = new JoinedWorld(role, model.Actions, joinedBy);
        if (link is not null && role != WorldRoles.Owner)
        {
            grants.Add(context.ConnectionId, world.Id, link.Id, link.ExpiresAt);
        }
        else
        {
            grants.Remove(context.ConnectionId, world.Id);
        }
        // An admin sees any world as a viewer; a world it sees by no other right is closed to it when it is demoted.
        accounts.Joined(context.ConnectionId, world.Id, byAdmin: link is null && WorldAccess.RoleOf(world, user.UserId()) is null);
        // Anyone else without a link (or an admin's right) sees it because it is public, and no longer once it is private.
        publicWatches.Joined(context.ConnectionId, world.Id, byPublic: link is null && role != WorldRoles.Owner && world.IsPublic && !user.IsAdmin());
    }

    /// <summary>How the caller joined the world, while the link it joined through (if any) still stands.</summary>
    internal JoinedWorld Of(HubCallerContext context, string worldId)
    {
        if (worldId is null || !JoinedWorlds.Of(context).TryGetValue(worldId, out JoinedWorld? joined))
        {
            throw new HubException($"Join world '{worldId}' with JoinWorld before streaming its frames or acting in it.");
        }
        string? refusal = accounts.Refusal(context.ConnectionId, worldId) ?? grants.Refusal(context.ConnectionId, worldId)
            ?? publicWatches.Refusal(context.ConnectionId, worldId);
        return refusal is not null ? throw new HubException(refusal) : joined;
    }

    /// <summary>Ties a stream of the world to the link and the account it was opened under, so losing either ends it.</summary>
    internal void Tie(StreamHold hold, string connectionId, string worldId, FrameViewer viewer)
    {
        if (grants.Watching(connectionId, worldId, viewer) is { } tie)
        {
            hold.Take(tie.Dispose);
        }
        if (accounts.Watching(connectionId, worldId, viewer) is { } account)
        {
            hold.Take(account.Dispose);
        }
        if (publicWatches.Watching(connectionId, worldId, viewer) is { } publicly)
        {
            hold.Take(publicly.Dispose);
        }
    }
}
