using WorldWeb.Client.Contracts;

namespace WorldWeb.Client.Play;

/// <summary>
/// One browser's connection to the world hub (<c>/hubs/world</c>). The play page talks to this narrow interface
/// so component tests can stand in for the server.
/// </summary>
public interface IWorldConnection : IAsyncDisposable
{
    /// <summary>Joins a world by id or share-link token; a refused join throws <see cref="WorldJoinException"/>.</summary>
    Task<WorldInfo> JoinAsync(string worldRef, CancellationToken ct);

    /// <summary>
    /// Waits in line on a full server (after a join refused with <see cref="WorldJoinException.ServerFull"/>): the
    /// caller's place whenever it changes; the last one admits it, and it joins. Cancelling leaves the line; a refusal
    /// (its address already waits too often) throws <see cref="WorldJoinException"/>.
    /// </summary>
    IAsyncEnumerable<LinePlace> WaitInLineAsync(string worldRef, CancellationToken ct);

    IAsyncEnumerable<FrameMessage> FramesAsync(string worldId, CancellationToken ct);

    Task SendActionAsync(string worldId, int action, long seq, CancellationToken ct);

    /// <summary>A joined world paused (world id, why) or goes on again (world id, null).</summary>
    event Action<string, string?>? PausedChanged;
}

public interface IWorldConnectionFactory
{
    IWorldConnection Create();
}

/// <summary>The hub refused to join (unknown world, bad, revoked or expired link, a full server); the message says why.</summary>
public sealed class WorldJoinException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Refused only for want of a place: the caller may wait in line for one.</summary>
    public bool ServerFull { get; } = message.StartsWith(WorldHubProtocol.ServerFull, StringComparison.Ordinal);
}
