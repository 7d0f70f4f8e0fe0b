using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Sharing;

/// <summary>
/// What share links granted to this node's hub connections that are still open. Revoking a link, or its expiry, ends
/// those rights where they are in use: the holder's <c>SendAction</c> is refused and every <c>Frames</c> stream it got
/// through the link ends with the reason. A connection that joins a world again keeps the grants it had: a stream is
/// tied to the link it was opened under, whatever the connection joined through since. Revocation on another node
/// reaches this one through <see cref="LinkEndings"/>, which reads the links held here from the database every second.
/// </summary>
public sealed class LinkGrants(TimeProvider clock)
{
    public const string RevokedReason = "This share link has been revoked by the world's owner.";
    public const string ExpiredReason = "This share link has expired.";

    // Every grant a connection took in a world, by link; and the link it joined the world through last (none: by its own right).
    private readonly ConcurrentDictionary<(string Connection, string World, Guid Link), Grant> _grants = new();
    private readonly ConcurrentDictionary<(string Connection, string World), Guid> _joinedBy = new();

    /// <summary>A connection joined a world through a link: its rights there are the link's from now on.</summary>
    public void Add(string connectionId, string worldId, Guid linkId, DateTimeOffset? expiresAt)
    {
        _grants.GetOrAdd((connectionId, worldId, linkId), _ => new Grant(linkId, expiresAt));
        _joinedBy[(connectionId, worldId)] = linkId;
    }

    /// <summary>A connection joined a world by its own right (owner, public world, admin): no link to end its new streams.</summary>
    public void Remove(string connectionId, string worldId) => _joinedBy.TryRemove((connectionId, worldId), out _);

    public void Disconnected(string connectionId)
    {
        foreach (var key in _joinedBy.Keys.Where(k => k.Connection == connectionId))
        {
            _joinedBy.TryRemove(key, out _);
        }
        foreach (var key in _grants.Keys.Where(k => k.Connection == connectionId))
        {
            _grants.TryRemove(key, out _);
        }
    }

    /// <summary>Why the connection may no longer use the world it joined by link, or null when it may.</summary>
    public string? Refusal(string connectionId, string worldId) =>
        Current(connectionId, worldId)?.Refusal(clock.GetUtcNow());

    /// <summary>
    /// Ties a frame stream to the link the connection holds the world by now, so that ending the link ends the stream;
    /// dispose the answer when the stream ends otherwise.
    /// </summary>
    public IDisposable? Watching(string connectionId, string worldId, FrameViewer viewer) =>
        Current(connectionId, worldId)?.Watch(viewer);

    /// <summary>The links that connections here hold and that have not ended.</summary>
    public IReadOnlyCollection<Guid> HeldLinks() => [.. _grants.Values.Where(g => !g.Ended).Select(g => g.LinkId).Distinct()];

    /// <summary>Ends every open use of the link; returns how many grants it ended.</summary>
    public int Revoke(Guid linkId) => End(g => g.LinkId == linkId, RevokedReason);

    /// <summary>Ends the open uses of links whose time is up.</summary>
    public int EndExpired()
    {
        DateTimeOffset now = clock.GetUtcNow();
        return End(g => g.ExpiresAt <= now, ExpiredReason);
    }

    private Grant? Current(string connectionId, string worldId) =>
        _joinedBy.TryGetValue((connectionId, worldId), out Guid linkId) && _grants.TryGetValue((connectionId, worldId, linkId), out Grant? grant)
            ? grant
            : null;

    private int End(Func<Grant, bool> which, string reason)
    {
        int ended = 0;
        foreach (Grant grant in _grants.Values.Where(which))
        {
            ended += grant.End(reason) ? 1 : 0;
        }
        return ended;
    }

    private sealed class Grant(Guid linkId, DateTimeOffset? expiresAt) : RightInUse
    {
        public Guid LinkId => linkId;

        public DateTimeOffset? ExpiresAt => expiresAt;

        public string? Refusal(DateTimeOffset now) => EndedReason ?? (expiresAt <= now ? ExpiredReason : null);
    }
}
