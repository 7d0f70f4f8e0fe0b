using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

/// <summary>
/// The accounts this node's open hub connections are signed in as, and what their rights let those connections do. A
/// connection keeps the principal it connected with, so the account's standing in the database is followed here
/// (<see cref="AccountEndings"/>): deleted, every stream of the connection ends, every call is refused and the
/// connection is closed a round later (so the endings reach the client first); signed out (its security stamp
/// changed), the same without the close, so the client may connect again as who it is now; no longer an admin, the
/// streams of worlds it joined by that right end and its later calls are decided without it.
/// </summary>
public sealed class AccountConnections
{
    public const string DeletedReason = "This account has been deleted.";
    public const string SignedOutReason = "This account has signed out; sign in again to go on playing.";
    public const string DemotedReason = "This account is no longer an administrator; this world is not open to it.";

    private readonly ConcurrentDictionary<string, SignedIn> _connections = new(StringComparer.Ordinal);

    /// <summary>A connection opened; followed when it is signed in as an account.</summary>
    public void Connected(HubCallerContext context)
    {
        if (context.User is { } user && user.IsAccount() && user.UserId() is { } accountId)
        {
            _connections[context.ConnectionId] = new SignedIn(context, accountId, user);
        }
    }

    public void Disconnected(string connectionId) => _connections.TryRemove(connectionId, out _);

    /// <summary>The caller as the database says it is now (an admin demoted since it connected is not one here).</summary>
    public ClaimsPrincipal UserOf(HubCallerContext context) =>
        _connections.TryGetValue(context.ConnectionId, out SignedIn? signedIn) ? signedIn.User : context.User ?? new();

    /// <summary>Why the connection may do nothing more, or null when it may.</summary>
    public string? Refusal(string connectionId) =>
        _connections.TryGetValue(connectionId, out SignedIn? signedIn) ? signedIn.Ended : null;

    /// <summary>Why the connection may no longer use the world, or null when it may.</summary>
    public string? Refusal(string connectionId, string worldId) =>
        _connections.TryGetValue(connectionId, out SignedIn? signedIn) ? signedIn.Refusal(worldId) : null;

    /// <summary>The connection joined the world by its admin right (true) or by any other (false).</summary>
    public void Joined(string connectionId, string worldId, bool byAdmin)
    {
        if (_connections.TryGetValue(connectionId, out SignedIn? signedIn))
        {
            signedIn.Joined(worldId, byAdmin);
        }
    }

    /// <summary>Ties a frame stream to the account's rights, so losing them ends it; dispose the answer when the stream ends otherwise.</summary>
    public IDisposable? Watching(string connectionId, string worldId, FrameViewer viewer) =>
        _connections.TryGetValue(connectionId, out SignedIn? signedIn) ? signedIn.Watch(worldId, viewer) : null;

    /// <summary>The accounts that open connections here are signed in as and whose rights have not ended.</summary>
    public IReadOnlyCollection<string> HeldAccounts() =>
        [.. _connections.Values.Where(c => c.Ended is null).Select(c => c.AccountId).Distinct(StringComparer.Ordinal)];

    /// <summary>Closes the connections of deleted accounts; called before <see cref="Follow"/>, so a connection is told why a round before it closes.</summary>
    public int CloseDeleted()
    {
        int closed = 0;
        foreach (SignedIn signedIn in _connections.Values.Where(c => c.Closing))
        {
            signedIn.Context.Abort();
            closed++;
        }
        return closed;
    }

    /// <summary>Applies what the database says of the held accounts (a deleted one is absent); returns how many connections lost rights.</summary>
    public int Follow(IReadOnlyDictionary<string, AccountStanding> standings)
    {
        int changed = 0;
        foreach (SignedIn signedIn in _connections.Values.Where(c => c.Ended is null))
        {
            changed += standings.TryGetValue(signedIn.AccountId, out AccountStanding? standing)
                ? signedIn.Follow(standing) ? 1 : 0
                : signedIn.End(DeletedReason, close: true) ? 1 : 0;
        }
        return changed;
    }
}
