using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

/// <summary>One hub connection signed in as an account (<see cref="AccountConnections"/>): its rights now, and its streams.</summary>
internal sealed class SignedIn(HubCallerContext context, string accountId, ClaimsPrincipal user)
{
    private readonly Lock _gate = new();
    private readonly string? _stamp = user.SecurityStamp();
    private readonly HashSet<string> _byAdmin = new(StringComparer.Ordinal);
    private readonly HashSet<(string World, FrameViewer Viewer, bool ByAdmin)> _streams = [];
    private ClaimsPrincipal _user = user;
    private string? _ended;
    private bool _demoted;

    public HubCallerContext Context => context;

    public string AccountId => accountId;

    public ClaimsPrincipal User
    {
        get { lock (_gate) { return _user; } }
    }

    public string? Ended
    {
        get { lock (_gate) { return _ended; } }
    }

    /// <summary>Whether the connection is to be closed (its account was deleted).</summary>
    public bool Closing { get; private set; }

    public string? Refusal(string worldId)
    {
        lock (_gate)
        {
            return RefusalHeld(worldId);
        }
    }

    /// <summary><see cref="Refusal"/>, with the gate held.</summary>
    private string? RefusalHeld(string worldId) =>
        _ended ?? (_demoted && _byAdmin.Contains(worldId) ? AccountConnections.DemotedReason : null);

    public void Joined(string worldId, bool byAdmin)
    {
        lock (_gate)
        {
            if (byAdmin)
            {
                _byAdmin.Add(worldId);
            }
            else
            {
                _byAdmin.Remove(worldId);
            }
        }
    }

    public IDisposable? Watch(string worldId, FrameViewer viewer)
    {
        string? refusal;
        lock (_gate)
        {
            refusal = RefusalHeld(worldId);
            if (refusal is null)
            {
                var stream = (worldId, viewer, _byAdmin.Contains(worldId));
                _streams.Add(stream);
                return new Unwatch(this, stream);
            }
        }
        viewer.Complete(new HubException(refusal));
        return null;
    }

    /// <summary>Follows the account's standing; true when the connection lost rights.</summary>
    public bool Follow(AccountStanding standing)
    {
        if (standing.SecurityStamp != _stamp)
        {
            return End(AccountConnections.SignedOutReason, close: false);
        }
        FrameViewer[] lost;
        lock (_gate)
        {
            bool wasAdmin = _user.IsAdmin();
            if (wasAdmin == standing.IsAdmin)
            {
                return false;
            }
            _user = WithAdmin(_user, standing.IsAdmin);
            _demoted = !standing.IsAdmin;
            if (!_demoted)
            {
                return false;  // promoted: a right gained, nothing to end
            }
            lost = [.. _streams.Where(s => s.ByAdmin).Select(s => s.Viewer)];
            _streams.RemoveWhere(s => s.ByAdmin);
        }
        foreach (FrameViewer viewer in lost)
        {
            viewer.Complete(new HubException(AccountConnections.DemotedReason));
        }
        return true;
    }

    /// <summary>Ends every right and stream of the connection; a deleted account's connection is closed a round later.</summary>
    public bool End(string reason, bool close)
    {
        FrameViewer[] viewers;
        lock (_gate)
        {
            if (_ended is not null)
            {
                return false;
            }
            _ended = reason;
            viewers = [.. _streams.Select(s => s.Viewer)];
            _streams.Clear();
        }
        foreach (FrameViewer viewer in viewers)
        {
            viewer.Complete(new HubException(reason));
        }
        Closing = close;
        return true;
    }

    private static ClaimsPrincipal WithAdmin(ClaimsPrincipal user, bool admin)
    {
        var identity = new ClaimsIdentity(
            user.Claims.Where(c => !(c.Type == ClaimTypes.Role && c.Value == AccountRoles.Admin)),
            user.Identity?.AuthenticationType, ClaimTypes.Email, ClaimTypes.Role);
        if (admin)
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, AccountRoles.Admin));
        }
        return new ClaimsPrincipal(identity);
    }

    private void Forget((string, FrameViewer, bool) stream)
    {
        lock (_gate)
        {
            _streams.Remove(stream);
        }
    }

    private sealed class Unwatch(SignedIn signedIn, (string, FrameViewer, bool) stream) : IDisposable
    {
        public void Dispose() => signedIn.Forget(stream);
    }
}
