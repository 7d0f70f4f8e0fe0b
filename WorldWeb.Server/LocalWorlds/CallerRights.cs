using Microsoft.Extensions.Options;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.Database;
using WorldWeb.Server.Sharing;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.LocalWorlds;

/// <summary>
/// A caller's role in a world, decided on the node that runs it from what the database says (the world's owner, the
/// link the caller names), never from what the node the call came through believes. Both are read at most about once
/// a second (<see cref="RecentReads{TKey, TValue}"/>): a claimed world or a revoked link takes effect here within that.
/// The same holds for who may control a world (save, stop, delete it, change its mask): its owner or an admin.
/// </summary>
public sealed class CallerRights
{
    private readonly RecentReads<string, WorldRecord> _worlds;
    private readonly RecentReads<Guid, ShareLinkRecord> _links;
    private readonly RecentReads<string, AccountStanding> _accounts;
    private readonly TimeProvider _clock;

    public CallerRights(WorldStore worlds, ShareLinkStore links, AccountStandings accounts, IOptions<DatabaseOptions> database, TimeProvider clock)
    {
        _clock = clock;
        _worlds = new(async id =>
        {
            using DatabaseBudget.Scope budget = DatabaseBudget.Limit(database.Value.Interactive);
            return await worlds.FindAsync(id, CancellationToken.None);
        }, clock);
        _links = new(async id =>
        {
            using DatabaseBudget.Scope budget = DatabaseBudget.Limit(database.Value.Interactive);
            return await links.FindAsync(id, CancellationToken.None);
        }, clock);
        _accounts = new(async id =>
        {
            using DatabaseBudget.Scope budget = DatabaseBudget.Limit(database.Value.Interactive);
            return (await accounts.ReadAsync([id], CancellationToken.None)).GetValueOrDefault(id);
        }, clock);
    }

    /// <summary>
    /// Returns when the caller may control the world (save, stop, delete it, change its mask): it owns the world, or
    /// its account is an admin's.
    /// </summary>
    /// <param name="what">What the caller asked for, as its refusal names it ("save it").</param>
    /// <exception cref="CallerRefusedException">The caller may not.</exception>
    /// <exception cref="WorldUnavailableException">The database did not answer.</exception>
    public async Task DemandControlAsync(string worldId, WorldCaller caller, string what)
    {
        try
        {
            if (caller.UserId is { } userId
                && (userId == (await _worlds.GetAsync(worldId))?.OwnerId || await _accounts.GetAsync(userId) is { IsAdmin: true }))
            {
                return;
            }
        }
        catch (Exception ex) when (DatabaseFaults.IsTransient(ex))
        {
            throw new WorldUnavailableException(DatabaseFaults.NotAnswering, ex);
        }
        throw new CallerRefusedException(CallerRefusedException.OwnerOnly(what));
    }

    /// <summary>
    /// Null when the caller may watch the world, else why not. Its owner may, anyone may watch a public world, the holder
    /// of a standing link of it may (a revoked or expired one says so), and so may an account the database says is an admin.
    /// </summary>
    public async Task<string?> WatchRefusalAsync(string worldId, WorldCaller caller)
    {
        try
        {
            if (await _worlds.GetAsync(worldId) is not { } world)
            {
                return "This world no longer exists.";
            }
            if (caller.UserId is { } owner && owner == world.OwnerId || world.IsPublic)
            {
                return null;
            }
            if (caller.LinkId is { } linkId && await _links.GetAsync(linkId) is { } link && link.WorldId == worldId)
            {
                return Ended(link);
            }
            return caller.UserId is { } userId && await _accounts.GetAsync(userId) is { IsAdmin: true } ? null : NotYoursToWatch;
        }
        catch (Exception ex) when (DatabaseFaults.IsTransient(ex))
        {
            return DatabaseFaults.NotAnswering;
        }
    }

    /// <summary>What a caller hears that names a private world it holds no link of.</summary>
    public const string NotYoursToWatch = "This world is private: only its owner, an admin and holders of its share links may watch it.";

    /// <summary>
    /// The caller's role (<see cref="WorldRoles"/>), or why it has none now (its link ended, the database is away). A
    /// caller that neither owns the world nor holds a standing link of it gets what the world's being public gives
    /// anyone (<see cref="WorldAccess.PublicRole"/>: a player's role while its owner lets visitors play) and no more
    /// than a viewer's otherwise, whatever let it watch (an admin's right).
    /// </summary>
    public async Task<(string? Role, string? Refusal)> RoleAsync(string worldId, WorldCaller caller)
    {
        try
        {
            WorldRecord? world = await _worlds.GetAsync(worldId);
            if (caller.UserId is { } userId && userId == world?.OwnerId)
            {
                return (WorldRoles.Owner, null);
            }
            ShareLinkRecord? link = caller.LinkId is { } linkId ? await _links.GetAsync(linkId) : null;
            string anyone = world is not null && WorldAccess.PublicRole(world) == WorldRoles.Player ? WorldRoles.Player : WorldRoles.Viewer;
            return link switch
            {
                null => (anyone, null),
                _ when link.WorldId != worldId => (anyone, null),
                _ when Ended(link) is { } ended => (null, ended),
                _ => (world is null ? link.Role : WorldAccess.LinkRole(world, link.Role), null),
            };
        }
        catch (Exception ex) when (DatabaseFaults.IsTransient(ex))
        {
            return (null, DatabaseFaults.NotAnswering);
        }
    }

    /// <summary>Why the link grants nothing now (revoked, expired), or null while it stands.</summary>
    private string? Ended(ShareLinkRecord link) =>
        link.RevokedAt is not null ? LinkGrants.RevokedReason
        : link.ExpiresAt is { } expires && expires <= _clock.GetUtcNow() ? LinkGrants.ExpiredReason
        : null;
}
