using System.Security.Claims;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Sharing;

/// <summary>Why a world reference opens nothing: each answers with its own status and message.</summary>
public enum WorldRefRefusal
{
    Malformed,
    NotFound,
    LinkEnded,
}

/// <summary>A world reference resolved: the world, the caller's role in it, and the link it came through (if any).</summary>
public sealed record ResolvedWorld(WorldRecord World, string Role, ShareLinkRecord? Link);

/// <summary>
/// A world reference, as <c>JoinWorld</c> and <c>POST /api/clips</c> take it: a world id (the caller's own world, a
/// public one, or any for an admin) or a share-link token (its role, or owner when the caller owns the world).
/// </summary>
public sealed class WorldRefs(WorldStore store, ShareLinkStore links)
{
    public const int MaxLength = 64;

    /// <summary>The world and role, or why not in words for the caller.</summary>
    public async Task<(ResolvedWorld? World, WorldRefRefusal Refusal, string Message)> ResolveAsync(
        string? worldRef, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        const string malformed = "worldRef must be a world id or a share-link token.";
        worldRef = worldRef?.Trim();
        if (string.IsNullOrEmpty(worldRef) || worldRef.Length > MaxLength)
        {
            return (null, WorldRefRefusal.Malformed, malformed);
        }
        if (WorldAccess.LooksLikeWorldId(worldRef))
        {
            WorldRecord? world = await store.FindAsync(worldRef, cancellationToken);
            string? role = world is null ? null : WorldAccess.RoleOf(world, user);
            return world is not null && role is not null
                ? (new ResolvedWorld(world, role, null), default, "")
                : (null, WorldRefRefusal.NotFound, $"There is no world '{worldRef}' that you can see.");
        }
        if (!ShareTokens.LooksLikeToken(worldRef))
        {
            return (null, WorldRefRefusal.Malformed, malformed);
        }
        (ShareLinkStatus status, ShareLinkRecord? link) = await links.ResolveAsync(worldRef, cancellationToken);
        WorldRecord? linked = status == ShareLinkStatus.Valid ? await store.FindAsync(link!.WorldId, cancellationToken) : null;
        return status switch
        {
            ShareLinkStatus.Revoked => (null, WorldRefRefusal.LinkEnded, "This share link has been revoked by the world's owner."),
            ShareLinkStatus.Expired => (null, WorldRefRefusal.LinkEnded, "This share link has expired."),
            _ when linked is null => (null, WorldRefRefusal.NotFound, "This share link is not valid."),
            _ => (new ResolvedWorld(linked, linked.OwnerId == user.UserId() ? WorldRoles.Owner : WorldAccess.LinkRole(linked, link!.Role), link), default, ""),
        };
    }
}
