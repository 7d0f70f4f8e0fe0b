using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Sharing;

/// <summary>
/// What share links granted to hub connections that are still open. Revoking a link, or its expiry, ends those rights
/// where they are in use: the holder's <c>SendAction</c> is refused and their <c>Frames</c> streams end with the reason.
/// </summary>
public sealed class LinkGrants(TimeProvider clock)
{
    public const string RevokedReason = "This share link has been revoked by the world's owner.";
    public const string ExpiredReason = "This share link has expired.";

    private readonly ConcurrentDictionary<(string Connection, string World), Grant> _grants = new();

    /// <summary>A connection joined a world through a link (replacing how it joined before).</summary>
    public void Add(string connectionId, string worldId, Guid linkId, DateTimeOffset? expiresAt) =>
        _grants[(connectionId, worldId)] = new Grant(linkId, expiresAt);

    /// <summary>A connection joined a world by its own right (owner, public world, admin): no link to end.</summary>
    public void Remove(string connectionId, string worldId) => _grants.TryRemove((connectionId, worldId), out _);

    public void Disconnected(string connectionId)
    {
        foreach (var key in _grants.Keys.Where(k => k.Connection == connectionId))
        {
            _grants.TryRemove(key, out _);
        }
    }

    /// <summary>Why the connection may no longer use the world it joined by link, or null when it may.</summary>
    public string? Refusal(string connectionId, string worldId) =>
        _grants.TryGetValue((connectionId, worldId), out Grant? grant) ? grant.Refusal(clock.GetUtcNow()) : null;

    /// <summary>Ties a frame stream to the connection's grant, so that ending the grant ends the stream.</summary>
    public void Watching(string connectionId, string worldId, FrameViewer viewer)
    {
        if (_grants.TryGetValue((connectionId, worldId), out Grant? grant))
        {
            grant.Watch(viewer);
        }
    }

    /// <summary>Ends every open use of the link; returns how many connections held it.</summary>
    public int Revoke(Guid linkId) => End(g => g.LinkId == linkId, RevokedReason);

    /// <summary>Ends the open uses of links whose time is up.</summary>
    public int EndExpired()
    {
        DateTimeOffset now = clock.GetUtcNow();
        return End(g => g.ExpiresAt <= now, ExpiredReason);
    }

    private int End(Func<Grant, bool> which, string reason)
    {
        int ended = 0;
        foreach (Grant grant in _grants.Values.Where(which))
        {
            ended += grant.End(reason) ? 1 : 0;
        }
        return ended;
    }

    private sealed class Grant(Guid linkId, DateTimeOffset? expiresAt)
    {
        private readonly Lock _gate = new();
        private readonly List<FrameViewer> _viewers = [];
        private string? _ended;

        public Guid LinkId => linkId;

        public DateTimeOffset? ExpiresAt => expiresAt;

        public string? Refusal(DateTimeOffset now)
        {
            lock (_gate)
            {
                return _ended ?? (expiresAt <= now ? ExpiredReason : null);
            }
        }

        public void Watch(FrameViewer viewer)
        {
            lock (_gate)
            {
                if (_ended is null)
                {
                    _viewers.Add(viewer);
                    return;
                }
            }
            viewer.Complete(new HubException(_ended));
        }

        public bool End(string reason)
        {
            FrameViewer[] viewers;
            lock (_gate)
            {
                if (_ended is not null)
                {
                    return false;
                }
                _ended = reason;
                viewers = [.. _viewers];
                _viewers.Clear();
            }
            foreach (FrameViewer viewer in viewers)
            {
                viewer.Complete(new HubException(reason));
            }
            return true;
        }
    }
}
