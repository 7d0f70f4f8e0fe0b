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

    IAsyncEnumerable<FrameMessage> FramesAsync(string worldId, CancellationToken ct);

    Task SendActionAsync(string worldId, int action, long seq, CancellationToken ct);

    /// <summary>A joined world paused (world id, why) or goes on again (world id, null).</summary>
    event Action<string, string?>? PausedChanged;
}

public interface IWorldConnectionFactory
{
    IWorldConnection Create();
}

/// <summary>The hub refused to join (unknown world, bad, revoked or expired link); the message says why.</summary>
public sealed class WorldJoinException(string message, Exception? inner = null) : Exception(message, inner);
